package edu.cu.ecomm.optout.emulator.salesforce;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * The errors Salesforce's Pub/Sub API returns, with the {@code error-code} trailer clients switch on (camel's
 * {@code PubSubApiClient} re-logs in on the auth code and handles the replay-id code).
 */
final class PubSubErrors {

    static final Metadata.Key<String> ERROR_CODE = Metadata.Key.of("error-code", Metadata.ASCII_STRING_MARSHALLER);

    static final String AUTH_ERROR = "sfdc.platform.eventbus.grpc.service.auth.error";
    static final String CORRUPTED_REPLAY_ID = "sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted";
    static final String TOPIC_NOT_FOUND = "sfdc.platform.eventbus.grpc.service.topic.notfound";
    static final String SCHEMA_NOT_FOUND = "sfdc.platform.eventbus.grpc.schema.notfound";

    private PubSubErrors() {
    }

    static StatusRuntimeException authError() {
        return error(Status.UNAUTHENTICATED.withDescription("An error occurred while authenticating the request."),
                AUTH_ERROR);
    }

    static StatusRuntimeException corruptedReplayId() {
        return error(Status.INVALID_ARGUMENT.withDescription("Replay ID validation failed."), CORRUPTED_REPLAY_ID);
    }

    static StatusRuntimeException topicNotFound(String topic) {
        return error(Status.NOT_FOUND.withDescription("Topic not found: " + topic), TOPIC_NOT_FOUND);
    }

    static StatusRuntimeException schemaNotFound(String schemaId) {
        return error(Status.NOT_FOUND.withDescription("Schema not found: " + schemaId), SCHEMA_NOT_FOUND);
    }

    /** An outage: no error code, so a client treats it as transient and reconnects. */
    static StatusRuntimeException unavailable() {
        // Empty trailers rather than none: ServerCall.close, used to refuse a call, requires them.
        return Status.UNAVAILABLE.withDescription("Pub/Sub API emulator is unavailable.")
                .asRuntimeException(new Metadata());
    }

    private static StatusRuntimeException error(Status status, String errorCode) {
        Metadata trailers = new Metadata();
        trailers.put(ERROR_CODE, errorCode);
        return status.asRuntimeException(trailers);
    }
}
