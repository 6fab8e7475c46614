package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import edu.cu.ecomm.optout.support.RestartedService;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service stopped and started again while Salesforce keeps changing: it resumes from the checkpoint it
 * stored, so every change made while it was down is recorded once, and nothing recorded before is repeated.
 */
class ResumeAfterRestartIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String TOPIC = "/data/ContactChangeEvent";

    private RestartedService org;
    private SalesforceRestClient specialist;

    @BeforeEach
    void emulatorAndDatabase() {
        org = RestartedService.against(SalesforceEmulator.onPorts(0, 0));
        specialist = org.specialist();
    }

    @AfterEach
    void stopAll() {
        org.close();
    }

    @Test
    void changesMadeWhileStoppedAreRecordedOnceAfterRestart() {
        List<String> contacts = org.newContacts(30, "Restart");
        org.start();

        List<String> beforeStop = contacts.subList(0, 12);
        beforeStop.forEach(id -> specialist.setOptOut(id, true));
        await().atMost(PATIENCE).until(() -> org.ledger().count() == 12);
        org.stop();

        List<String> whileStopped = contacts.subList(12, 30);
        specialist.updateAll(whileStopped.subList(0, 10), Map.of("HasOptedOutOfEmail", true), null);
        whileStopped.subList(10, 18).forEach(id -> specialist.setOptOut(id, true));
        beforeStop.subList(0, 3).forEach(id -> specialist.setOptOut(id, false));
        org.start();

        await().atMost(PATIENCE).until(() -> org.ledger().count() >= 12 + 18 + 3);
        String marker = org.newContacts(1, "Restart").get(0);
        specialist.setOptOut(marker, true);
        await().atMost(PATIENCE).until(() -> org.ledger().forContact(marker).size() == 1);
        assertThat(org.ledger().count()).as("N + M + the marker, none lost, none doubled").isEqualTo(12 + 18 + 3 + 1);
        contacts.forEach(id -> assertThat(org.ledger().forContact(id)).as("changes of %s", id)
                .hasSize(beforeStop.subList(0, 3).contains(id) ? 2 : 1));
    }

    @Test
    void eventDeliveredAgainRecordsNothingTwice() {
        List<String> contacts = org.newContacts(2, "Restart");
        org.start();
        specialist.setOptOut(contacts.get(0), true);
        await().atMost(PATIENCE).until(() -> org.ledger().forContact(contacts.get(0)).size() == 1);
        String afterFirst = org.bean(ReplayCheckpoints.class).find(TOPIC).orElseThrow().replayId();
        specialist.setOptOut(contacts.get(1), true);
        await().atMost(PATIENCE).until(() -> org.ledger().forContact(contacts.get(1)).size() == 1);
        String afterSecond = org.bean(ReplayCheckpoints.class).find(TOPIC).orElseThrow().replayId();
        org.stop();

        // As if the checkpoint had been written before the second event: it will be delivered again.
        org.database().update("update replay_checkpoint set replay_id = ? where topic = ?",
                afterFirst, TOPIC);
        org.start();

        await().atMost(PATIENCE).until(() -> afterSecond.equals(org.bean(ReplayCheckpoints.class).find(TOPIC).orElseThrow().replayId()));
        assertThat(org.ledger().forContact(contacts.get(1))).hasSize(1);
        assertThat(org.ledger().count()).isEqualTo(2);
    }
}
