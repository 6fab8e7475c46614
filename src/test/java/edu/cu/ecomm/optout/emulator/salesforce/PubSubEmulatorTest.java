package edu.cu.ecomm.optout.emulator.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.google.protobuf.ByteString;
import com.salesforce.eventbus.protobuf.ConsumerEvent;
import com.salesforce.eventbus.protobuf.FetchResponse;
import com.salesforce.eventbus.protobuf.ReplayPreset;
import com.salesforce.eventbus.protobuf.SchemaInfo;
import com.salesforce.eventbus.protobuf.SchemaRequest;
import com.salesforce.eventbus.protobuf.TopicInfo;
import com.salesforce.eventbus.protobuf.TopicRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import edu.cu.ecomm.optout.support.MutableClock;

class PubSubEmulatorTest {

    private static final Instant START = Instant.parse("2026-03-02T12:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private PubSubEmulator emulator;
    private PubSubTestClient client;

    @BeforeEach
    void start() {
        emulator = new PubSubEmulator(PubSubTestClient.issuedTokens(), PubSubEmulator.Settings.defaults()
                .withClock(clock)
                .withKeepAliveInterval(Duration.ofMillis(100)));
        emulator.start();
        client = PubSubTestClient.authenticated(emulator.port());
    }

    @AfterEach
    void stop() throws InterruptedException {
        client.close();
        emulator.stop();
    }

    @Test
    void getTopicDescribesTheContactChangeTopic() {
        TopicInfo topic = client.blocking().getTopic(TopicRequest.newBuilder().setTopicName(PubSubEmulator.TOPIC).build());

        assertThat(topic.getTopicName()).isEqualTo("/data/ContactChangeEvent");
        assertThat(topic.getSchemaId()).isEqualTo(emulator.schemaId());
        assertThat(topic.getTenantGuid()).isEqualTo(PubSubTestClient.ORG_ID);
        assertThat(topic.getCanSubscribe()).isTrue();
        assertThat(topic.getCanPublish()).isFalse();
    }

    @Test
    void getSchemaReturnsTheSchemaJsonForItsId() {
        SchemaInfo info = client.blocking().getSchema(SchemaRequest.newBuilder().setSchemaId(emulator.schemaId()).build());

        Schema schema = new Schema.Parser().parse(info.getSchemaJson());
        assertThat(info.getSchemaId()).isEqualTo(emulator.schemaId());
        assertThat(schema.getFullName()).isEqualTo("com.sforce.eventbus.ContactChangeEvent");
    }

    @Test
    void deliveredPayloadDecodesWithTheServedSchema() throws IOException {
        PubSubTestClient.Stream stream = client.subscribe(ReplayPreset.LATEST, null, 10);
        await().until(() -> emulator.activeSubscriptions() == 1);

        emulator.publish(optOut("003US00000AbCdEFGH"));

        await().until(() -> stream.events().size() == 1);
        ConsumerEvent event = stream.events().get(0);
        String schemaJson = client.blocking()
                .getSchema(SchemaRequest.newBuilder().setSchemaId(event.getEvent().getSchemaId()).build())
                .getSchemaJson();
        GenericRecord record = new GenericDatumReader<GenericRecord>(new Schema.Parser().parse(schemaJson)).read(null,
                DecoderFactory.get().directBinaryDecoder(
                        new ByteArrayInputStream(event.getEvent().getPayload().toByteArray()), null));
        GenericRecord header = (GenericRecord) record.get("ChangeEventHeader");
        assertThat(header.get("changedFields").toString()).isEqualTo("[0x0100]");
        assertThat(record.get("HasOptedOutOfEmail")).isEqualTo(true);
        assertThat(event.getEvent().getId()).isNotBlank();
        assertThat(Base64.getEncoder().encodeToString(event.getReplayId().toByteArray()))
                .isEqualTo(emulator.latestReplayId());
    }

    @Test
    void earliestReplaysEveryRetainedEvent() {
        emulator.publishSyntheticOptOuts(3);

        PubSubTestClient.Stream stream = client.subscribe(ReplayPreset.EARLIEST, null, 10);

        await().until(() -> stream.events().size() == 3);
        assertThat(stream.events()).extracting(PubSubEmulatorTest::sequence).containsExactly(1L, 2L, 3L);
    }

    @Test
    void latestSkipsEventsPublishedBeforeTheSubscription() {
        emulator.publishSyntheticOptOuts(2);
        PubSubTestClient.Stream stream = client.subscribe(ReplayPreset.LATEST, null, 10);
        await().until(() -> emulator.activeSubscriptions() == 1);

        emulator.publishSyntheticOptOuts(1);

        await().until(() -> stream.events().size() == 1);
        assertThat(sequence(stream.events().get(0))).isEqualTo(3L);
    }

    @Test
    void customResumesStrictlyAfterTheGivenReplayId() {
        emulator.publishSyntheticOptOuts(5);

        PubSubTestClient.Stream stream = client.subscribe(ReplayPreset.CUSTOM, EventLog.replayId(3), 10);

        await().until(() -> stream.events().size() == 2);
        assertThat(stream.events()).extracting(PubSubEmulatorTest::sequence).containsExactly(4L, 5L);
    }

    @Test
    void neverDeliversMoreThanTheCreditsRequestedAndCapsThemAtOneHundred() {
        emulator.publishSyntheticOptOuts(250);
        PubSubTestClient.Stream stream = client.subscribe(ReplayPreset.EARLIEST, null, 10);

        // A keep-alive is only sent to an idle stream, so one with no credits left proves nothing more is coming.
        await().until(() -> lastIsKeepAliveAfter(stream, 10));
        assertThat(stream.events()).hasSize(10);

        stream.request(150);

        await().until(() -> lastIsKeepAliveAfter(stream, 110));
        assertThat(stream.events()).hasSize(110);
        assertThat(stream.responses()).allSatisfy(response ->
                assertThat(response.getEventsCount()).isLessThanOrEqualTo(Subscription.MAX_OUTSTANDING));
    }

    @Test
    void keepAliveCarriesTheLatestReplayIdAndRemainingCredits() {
        emulator.publishSyntheticOptOuts(2);

        PubSubTestClient.Stream stream = client.subscribe(ReplayPreset.LATEST, null, 7);

        await().until(() -> !stream.responses().isEmpty());
        FetchResponse keepAlive = stream.responses().get(0);
        assertThat(keepAlive.getEventsCount()).isZero();
        assertThat(Base64.getEncoder().encodeToString(keepAlive.getLatestReplayId().toByteArray()))
                .isEqualTo(emulator.latestReplayId());
        assertThat(keepAlive.getPendingNumRequested()).isEqualTo(7);
        assertThat(keepAlive.getRpcId()).isNotBlank();
    }

    @Test
    void injectedGapOverflowAndRawEventsAreDeliveredAsGiven() {
        PubSubTestClient.Stream stream = client.subscribe(ReplayPreset.EARLIEST, null, 10);
        await().until(() -> emulator.activeSubscriptions() == 1);
        byte[] notAvro = {(byte) 0xff, 0x01};

        emulator.inject(new ContactChangeCommit("GAP_OVERFLOW", List.of(), Map.of(), Set.of(), Set.of(), "",
                "tx-overflow", 1, START, 7L, "005US00000ZyXwVUTS"));
        emulator.injectRaw(notAvro);

        await().until(() -> stream.events().size() == 2);
        assertThat(stream.events().get(1).getEvent().getPayload()).isEqualTo(ByteString.copyFrom(notAvro));
        assertThat(emulator.publishedCount()).isEqualTo(2);
    }

    @Test
    void clientHalfCloseEndsTheSubscription() {
        PubSubTestClient.Stream stream = client.subscribe(ReplayPreset.LATEST, null, 10);
        await().until(() -> emulator.activeSubscriptions() == 1);

        stream.complete();

        await().until(stream::completed);
        assertThat(emulator.activeSubscriptions()).isZero();
    }

    @Nested
    class Refusals {

        @Test
        void unknownTopicIsNotFound() {
            PubSubTestClient.Stream stream = client.subscribe("/data/LeadChangeEvent", ReplayPreset.LATEST, null, 10);

            await().until(stream::failed);
            assertThat(stream.status().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(stream.errorCode()).isEqualTo(PubSubErrors.TOPIC_NOT_FOUND);
        }

        @Test
        void unissuedTokenIsUnauthenticatedWithTheAuthErrorCode() throws InterruptedException {
            try (PubSubTestClient stranger = PubSubTestClient.withToken(emulator.port(), "forged")) {
                PubSubTestClient.Stream stream = stranger.subscribe(ReplayPreset.LATEST, null, 10);

                await().until(stream::failed);
                assertThat(stream.status().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(stream.errorCode()).isEqualTo("sfdc.platform.eventbus.grpc.service.auth.error");
            }
        }

        @Test
        void missingMetadataIsUnauthenticated() throws InterruptedException {
            try (PubSubTestClient anonymous = PubSubTestClient.withoutMetadata(emulator.port())) {
                assertThatThrownBy(() -> anonymous.blocking()
                        .getTopic(TopicRequest.newBuilder().setTopicName(PubSubEmulator.TOPIC).build()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getTrailers()
                                .get(PubSubErrors.ERROR_CODE)).isEqualTo(PubSubErrors.AUTH_ERROR));
            }
        }

        @Test
        void armedAuthErrorFailsOnlyTheNextSubscribe() {
            emulator.failNextSubscribeWithAuthError();

            PubSubTestClient.Stream refused = client.subscribe(ReplayPreset.LATEST, null, 10);
            await().until(refused::failed);
            PubSubTestClient.Stream accepted = client.subscribe(ReplayPreset.LATEST, null, 10);

            assertThat(refused.errorCode()).isEqualTo(PubSubErrors.AUTH_ERROR);
            await().until(() -> !accepted.responses().isEmpty());
        }

        @Test
        void malformedReplayIdIsCorrupted() {
            PubSubTestClient.Stream stream = client.subscribe(ReplayPreset.CUSTOM,
                    ByteString.copyFromUtf8("not-a-replay-id"), 10);

            await().until(stream::failed);
            assertThat(stream.errorCode())
                    .isEqualTo("sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted");
        }

        @Test
        void replayIdOlderThanRetentionIsCorruptedAndEarliestStartsAfterThePrunedEvents() {
            emulator.publishSyntheticOptOuts(3);
            clock.advance(Duration.ofHours(73));
            emulator.publishSyntheticOptOuts(1);

            PubSubTestClient.Stream expired = client.subscribe(ReplayPreset.CUSTOM, EventLog.replayId(2), 10);
            PubSubTestClient.Stream earliest = client.subscribe(ReplayPreset.EARLIEST, null, 10);

            await().until(expired::failed);
            assertThat(expired.errorCode()).isEqualTo(PubSubErrors.CORRUPTED_REPLAY_ID);
            await().until(() -> earliest.events().size() == 1);
            assertThat(sequence(earliest.events().get(0))).isEqualTo(4L);
        }

        @Test
        void armedCorruptedReplayIdFailsTheNextSubscribe() {
            emulator.failNextSubscribeWithCorruptedReplayId();

            PubSubTestClient.Stream stream = client.subscribe(ReplayPreset.LATEST, null, 10);

            await().until(stream::failed);
            assertThat(stream.errorCode()).isEqualTo(PubSubErrors.CORRUPTED_REPLAY_ID);
        }

        @Test
        void closeAllStreamsEndsThemWithUnavailable() {
            PubSubTestClient.Stream stream = client.subscribe(ReplayPreset.LATEST, null, 10);
            await().until(() -> emulator.activeSubscriptions() == 1);

            emulator.closeAllStreams();

            await().until(stream::failed);
            assertThat(stream.status().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(emulator.activeSubscriptions()).isZero();
        }

        @Test
        void unavailableServiceRefusesCallsUntilItIsBack() {
            emulator.setAvailable(false);

            assertThatThrownBy(() -> client.blocking()
                    .getTopic(TopicRequest.newBuilder().setTopicName(PubSubEmulator.TOPIC).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

            emulator.setAvailable(true);

            assertThat(client.blocking().getTopic(TopicRequest.newBuilder().setTopicName(PubSubEmulator.TOPIC)
                    .build()).getSchemaId()).isEqualTo(emulator.schemaId());
        }
    }

    private static boolean lastIsKeepAliveAfter(PubSubTestClient.Stream stream, int events) {
        List<FetchResponse> responses = stream.responses();
        FetchResponse last = responses.isEmpty() ? null : responses.get(responses.size() - 1);
        return last != null && last.getEventsCount() == 0 && last.getPendingNumRequested() == 0
                && stream.events().size() == events;
    }

    private static long sequence(ConsumerEvent event) {
        return event.getReplayId().asReadOnlyByteBuffer().getLong();
    }

    private static ContactChangeCommit optOut(String contactId) {
        return new ContactChangeCommit("UPDATE", List.of(contactId), Map.of("HasOptedOutOfEmail", true),
                Set.of("HasOptedOutOfEmail"), Set.of(), "com/salesforce/api/rest/64.0", "tx-1", 1, START, 1L,
                "005US00000ZyXwVUTS");
    }
}
