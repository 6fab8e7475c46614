package edu.cu.ecomm.optout.emulator.salesforce;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;
import com.salesforce.eventbus.protobuf.ConsumerEvent;
import com.salesforce.eventbus.protobuf.FetchRequest;
import com.salesforce.eventbus.protobuf.FetchResponse;
import com.salesforce.eventbus.protobuf.PubSubGrpc;
import com.salesforce.eventbus.protobuf.ReplayPreset;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

/**
 * A plain grpc-java client of the emulator, sending the metadata camel's {@code TokenCredentials} sends and
 * recording what a Subscribe stream receives.
 */
final class PubSubTestClient implements AutoCloseable {

    static final String ORG_ID = "00DUS0000012345AAA";
    static final String TOKEN = "token-issued-by-oauth";

    private final ManagedChannel channel;
    private final PubSubGrpc.PubSubBlockingStub blocking;
    private final PubSubGrpc.PubSubStub async;

    private PubSubTestClient(int port, Metadata metadata) {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        blocking = PubSubGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
        async = PubSubGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
    }

    /** The tokens the emulator under test accepts: exactly one, for {@link #ORG_ID}. */
    static IssuedTokens issuedTokens() {
        return (accessToken, tenantId) -> TOKEN.equals(accessToken) && ORG_ID.equals(tenantId);
    }

    static PubSubTestClient authenticated(int port) {
        return withToken(port, TOKEN);
    }

    static PubSubTestClient withToken(int port, String accessToken) {
        Metadata metadata = new Metadata();
        metadata.put(key("accessToken"), accessToken);
        metadata.put(key("instanceUrl"), "http://127.0.0.1:1");
        metadata.put(key("tenantId"), ORG_ID);
        return new PubSubTestClient(port, metadata);
    }

    static PubSubTestClient withoutMetadata(int port) {
        return new PubSubTestClient(port, new Metadata());
    }

    PubSubGrpc.PubSubBlockingStub blocking() {
        return blocking;
    }

    Stream subscribe(ReplayPreset preset, ByteString replayId, int numRequested) {
        return subscribe(PubSubEmulator.TOPIC, preset, replayId, numRequested);
    }

    Stream subscribe(String topic, ReplayPreset preset, ByteString replayId, int numRequested) {
        Stream stream = new Stream();
        stream.requests = async.subscribe(stream);
        FetchRequest.Builder first = FetchRequest.newBuilder()
                .setTopicName(topic).setReplayPreset(preset).setNumRequested(numRequested);
        if (replayId != null) {
            first.setReplayId(replayId);
        }
        stream.requests.onNext(first.build());
        return stream;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static Metadata.Key<String> key(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }

    /** What one Subscribe stream has received so far. */
    static final class Stream implements StreamObserver<FetchResponse> {

        private final List<FetchResponse> responses = new CopyOnWriteArrayList<>();
        private volatile Throwable error;
        private volatile boolean completed;
        private StreamObserver<FetchRequest> requests;

        void request(int numRequested) {
            requests.onNext(FetchRequest.newBuilder().setTopicName(PubSubEmulator.TOPIC)
                    .setNumRequested(numRequested).build());
        }

        void complete() {
            requests.onCompleted();
        }

        List<FetchResponse> responses() {
            return responses;
        }

        List<ConsumerEvent> events() {
            return responses.stream().flatMap(response -> response.getEventsList().stream()).toList();
        }

        boolean failed() {
            return error != null;
        }

        boolean completed() {
            return completed;
        }

        Status status() {
            return Status.fromThrowable(error);
        }

        String errorCode() {
            return Status.trailersFromThrowable(error).get(PubSubErrors.ERROR_CODE);
        }

        @Override
        public void onNext(FetchResponse response) {
            responses.add(response);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onCompleted() {
            completed = true;
        }
    }
}
