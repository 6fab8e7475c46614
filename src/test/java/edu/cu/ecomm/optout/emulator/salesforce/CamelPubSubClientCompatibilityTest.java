package edu.cu.ecomm.optout.emulator.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import com.salesforce.eventbus.protobuf.ReplayPreset;
import org.apache.avro.generic.GenericRecord;
import org.apache.camel.component.salesforce.PubSubApiConsumer;
import org.apache.camel.component.salesforce.PubSubDeserializeType;
import org.apache.camel.component.salesforce.SalesforceLoginConfig;
import org.apache.camel.component.salesforce.internal.SalesforceSession;
import org.apache.camel.component.salesforce.internal.client.PubSubApiClient;
import org.apache.camel.spi.ExceptionHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives the emulator with camel-salesforce's own {@link PubSubApiClient}, the code the service's
 * {@code pubSubSubscribe} consumer runs, so protocol details it depends on (credits re-requested from
 * {@code pending_num_requested}, resubscribing from {@code latest_replay_id}, error-code trailers) are checked
 * against the real client rather than our reading of it. Only the session and the consumer are stand-ins.
 */
class CamelPubSubClientCompatibilityTest {

    private static final int BATCH_SIZE = 100;

    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final SalesforceSession session = mock(SalesforceSession.class);
    private final PubSubApiConsumer consumer = mock(PubSubApiConsumer.class);
    private PubSubEmulator emulator;
    private PubSubApiClient camel;

    record Delivery(GenericRecord event, String replayId) {
    }

    @BeforeEach
    void start() throws Exception {
        emulator = new PubSubEmulator(PubSubTestClient.issuedTokens(),
                PubSubEmulator.Settings.defaults().withKeepAliveInterval(Duration.ofMillis(200)));
        emulator.start();
        when(session.getAccessToken()).thenReturn(PubSubTestClient.TOKEN);
        when(session.getOrgId()).thenReturn(PubSubTestClient.ORG_ID);
        when(session.getInstanceUrl()).thenReturn("http://127.0.0.1:1");
        when(consumer.getTopic()).thenReturn(PubSubEmulator.TOPIC);
        when(consumer.getBatchSize()).thenReturn(BATCH_SIZE);
        when(consumer.getEventClassMap()).thenReturn(Map.of());
        when(consumer.getDeserializeType()).thenReturn(PubSubDeserializeType.AVRO);
        when(consumer.getExceptionHandler()).thenReturn(mock(ExceptionHandler.class));
        doAnswer(call -> deliveries.add(new Delivery(call.getArgument(0), call.getArgument(2))))
                .when(consumer).processEvent(any(), anyString(), anyString(), anyString());
        // Back-off of 10 ms so resubscribing after an injected fault is quick.
        camel = new PubSubApiClient(session, new SalesforceLoginConfig(), "127.0.0.1", emulator.port(), 10, 100,
                false);
        camel.setUsePlainTextConnection(true);
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
        emulator.stop();
    }

    @Test
    void decodesChangeEventsAsGenericRecordsWithReplayIds() {
        subscribe(ReplayPreset.LATEST);

        emulator.publish(new ContactChangeCommit("UPDATE", List.of("003US00000AbCdEFGH"),
                Map.of("HasOptedOutOfEmail", true), Set.of("HasOptedOutOfEmail"), Set.of(),
                "com/salesforce/api/rest/64.0", "tx-1", 1, Instant.now(), 1L, "005US00000ZyXwVUTS"));

        await().until(() -> deliveries.size() == 1);
        GenericRecord event = deliveries.get(0).event();
        assertThat(((GenericRecord) event.get("ChangeEventHeader")).get("changeType")).hasToString("UPDATE");
        assertThat(event.get("HasOptedOutOfEmail")).isEqualTo(true);
        assertThat(deliveries.get(0).replayId()).isEqualTo(emulator.latestReplayId());
    }

    @Test
    void receivesMoreEventsThanOneBatchByRequestingCreditsBack() {
        emulator.publishSyntheticOptOuts(250);

        subscribe(ReplayPreset.EARLIEST);

        await().until(() -> deliveries.size() == 250);
        assertThat(deliveries.get(249).replayId()).isEqualTo(emulator.latestReplayId());
    }

    @Test
    void skipsAnUndecodableEventAndCarriesOn() {
        subscribe(ReplayPreset.LATEST);

        emulator.injectRaw(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
        emulator.publishSyntheticOptOuts(1);

        await().until(() -> deliveries.size() == 1);
        assertThat(deliveries.get(0).replayId()).isEqualTo(emulator.latestReplayId());
    }

    @Test
    void logsInAgainAndResubscribesAfterAnAuthError() {
        emulator.failNextSubscribeWithAuthError();

        subscribe(ReplayPreset.LATEST);

        await().untilAsserted(() -> verify(session).attemptLoginUntilSuccessful(anyLong(), anyLong()));
        awaitSubscribed();
        emulator.publishSyntheticOptOuts(1);
        await().until(() -> deliveries.size() == 1);
    }

    @Test
    void resumesAfterDroppedStreamsWithoutLosingOrRepeatingEvents() {
        subscribe(ReplayPreset.LATEST);
        emulator.publishSyntheticOptOuts(3);
        await().until(() -> deliveries.size() == 3);

        emulator.closeAllStreams();
        emulator.publishSyntheticOptOuts(2);

        await().until(() -> deliveries.size() == 5);
        assertThat(deliveries).extracting(Delivery::replayId).doesNotHaveDuplicates();
        assertThat(deliveries.get(4).replayId()).isEqualTo(emulator.latestReplayId());
    }

    private void subscribe(ReplayPreset preset) {
        camel.subscribe(consumer, preset, null, false);
        awaitSubscribed();
    }

    /** Once the emulator has accepted the first request, a LATEST subscription sees everything published after. */
    private void awaitSubscribed() {
        await().until(() -> emulator.activeSubscriptions() == 1);
    }
}
