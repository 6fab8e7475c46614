package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import edu.cu.ecomm.optout.emulator.salesforce.PubSubEmulator;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceHttpEmulator;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.support.RestartedService;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The service comes back when its checkpoint can no longer be resumed from — older than Salesforce keeps events,
 * or rejected as corrupted — and on its very first start: it subscribes at the newest event and covers the hole
 * with a catch-up (or seeds the known values with a Bulk API snapshot), so nothing is lost and nothing doubled.
 */
class ResumeAfterDowntimeIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Duration RETENTION = Duration.ofSeconds(4);

    private RestartedService org;
    private SalesforceEmulator salesforce;
    private SalesforceRestClient specialist;

    @AfterEach
    void stopAll() {
        org.close();
    }

    @Test
    void checkpointOlderThanRetentionRestartsAtLatestAndCatchesUpWithNothingLost() {
        start(new SalesforceEmulator(SalesforceHttpEmulator.Config.defaults(),
                PubSubEmulator.Settings.defaults().withRetention(RETENTION)));
        org.with("optout.intake.retention", RETENTION.toString());
        List<String> contacts = org.newContacts(12, "Downtime");
        org.start();
        List<String> beforeStop = contacts.subList(0, 4);
        beforeStop.forEach(id -> specialist.setOptOut(id, true));
        await().atMost(PATIENCE).until(() -> org.ledger().count() == 4);
        org.stop();

        List<String> whileStopped = contacts.subList(4, 12);
        specialist.updateAll(whileStopped.subList(0, 5), Map.of("HasOptedOutOfEmail", true), null);
        whileStopped.subList(5, 8).forEach(id -> specialist.setOptOut(id, true));
        specialist.setOptOut(beforeStop.get(0), false);
        // Salesforce drops them: the stored checkpoint now names an event it no longer has.
        await().atMost(PATIENCE).until(() -> salesforce.pubSub().retainedCount() == 0);
        org.start();

        await().atMost(PATIENCE).until(() -> org.ledger().count() >= 4 + 8 + 1);
        assertThat(org.database().queryForList("select reason from catch_up_request where kind = 'CATCH_UP' and reason not like 'first start%'", String.class))
                .singleElement().asString().contains("older than the " + RETENTION + " retention window");
        assertCaughtUp(beforeStop, whileStopped);
    }

    @Test
    void corruptedReplayIdRestartsAtLatestAndCatchesUpWithNothingLost() {
        start(SalesforceEmulator.onPorts(0, 0));
        List<String> contacts = org.newContacts(10, "Downtime");
        org.start();
        List<String> beforeStop = contacts.subList(0, 3);
        beforeStop.forEach(id -> specialist.setOptOut(id, true));
        await().atMost(PATIENCE).until(() -> org.ledger().count() == 3);
        org.stop();

        List<String> whileStopped = contacts.subList(3, 10);
        specialist.updateAll(whileStopped, Map.of("HasOptedOutOfEmail", true), null);
        specialist.setOptOut(beforeStop.get(0), false);
        salesforce.pubSub().failNextSubscribeWithCorruptedReplayId();
        org.start();

        await().atMost(PATIENCE).until(() -> org.ledger().count() >= 3 + 7 + 1);
        assertThat(org.database().queryForList("select reason from catch_up_request where kind = 'CATCH_UP' and reason not like 'first start%'", String.class))
                .singleElement().asString().contains("rejected the replay id");
        assertCaughtUp(beforeStop, whileStopped);
    }

    @Test
    void firstStartSeedsTheKnownValuesFromABulkSnapshotWithoutSendingThem() {
        start(SalesforceEmulator.onPorts(0, 0));
        List<String> seeded = salesforce.http().seedContacts(40, 11);
        List<String> optedOut = seeded.subList(0, 7);
        optedOut.forEach(id -> salesforce.http().updateContact(id, Map.of("HasOptedOutOfEmail", true)));
        org.with("optout.initial-snapshot.page-size", "15");
        org.start();

        await().atMost(PATIENCE).until(() -> org.database().queryForObject("select count(*) from catch_up_request"
                + " where kind = 'SNAPSHOT' and state = 'DONE'", Long.class) == 1);
        Map<String, Boolean> state = new HashMap<>();
        org.database().query("select contact_id, opted_out from contact_state", rs -> {
            state.put(rs.getString(1), rs.getBoolean(2));
        });
        Map<String, Boolean> expected = new HashMap<>();
        salesforce.http().allContacts().forEach(c -> expected.put((String) c.get("Id"), (Boolean) c.get("HasOptedOutOfEmail")));
        assertThat(state).isEqualTo(expected);
        assertThat(state.values()).filteredOn(Boolean::booleanValue).hasSizeGreaterThanOrEqualTo(optedOut.size());
        assertThat(org.ledger().count()).as("not sent to CU Ascend").isZero();

        org.stop();
        org.start();
        assertThat(org.database().queryForObject("select count(*) from catch_up_request where kind = 'SNAPSHOT'", Long.class))
                .as("a restart is not a first start").isEqualTo(1);
    }

    @Test
    void aRestartBeforeAnyEventWasRecordedCatchesUpWithTheChangesMadeWhileStopped() {
        start(SalesforceEmulator.onPorts(0, 0));
        List<String> contacts = org.newContacts(2, "Quiet");
        org.start();
        // A quiet go-live: the snapshot and its catch-up run, no event arrives, so no checkpoint is stored.
        await().atMost(PATIENCE).until(() -> org.database().queryForObject("select count(*) from catch_up_request"
                + " where state = 'PENDING'", Long.class) == 0);
        org.stop();

        specialist.setOptOut(contacts.get(0), true);
        org.start();

        await().atMost(PATIENCE).until(() -> org.database().queryForObject(
                "select count(*) from catch_up_request where state = 'PENDING'", Long.class) == 0);
        String marker = org.newContacts(1, "Quiet").get(0);
        specialist.setOptOut(marker, true);
        await().atMost(PATIENCE).until(() -> org.ledger().forContact(marker).size() == 1);
        assertThat(org.ledger().forContact(contacts.get(0))).as("the opt-out made while stopped")
                .singleElement().satisfies(change -> {
                    assertThat(change.source()).isEqualTo(ChangeSource.CATCHUP);
                    assertThat(change.optedOut()).isTrue();
                });
        assertThat(org.ledger().forContact(contacts.get(1))).isEmpty();
    }

    @Test
    void initialSnapshotIsSentToAscendWhenAsked() {
        start(SalesforceEmulator.onPorts(0, 0));
        List<String> seeded = salesforce.http().seedContacts(12, 12);
        org.with("optout.initial-snapshot.deliver", "true");
        org.start();

        await().atMost(PATIENCE).until(() -> org.ledger().count() == seeded.size());
        assertThat(seeded).allSatisfy(id -> assertThat(org.ledger().forContact(id)).singleElement()
                .satisfies(change -> assertThat(change.changeType()).isEqualTo("SNAPSHOT")));
    }

    /** Changes before the stop were CDC's; those made while it was down are the catch-up's; none doubled. */
    private void assertCaughtUp(List<String> beforeStop, List<String> whileStopped) {
        await().atMost(PATIENCE).until(() -> org.database().queryForObject(
                "select count(*) from catch_up_request where state = 'PENDING'", Long.class) == 0);
        String marker = org.newContacts(1, "Downtime").get(0);
        specialist.setOptOut(marker, true);
        await().atMost(PATIENCE).until(() -> org.ledger().forContact(marker).size() == 1);
        assertThat(org.ledger().forContact(marker).get(0).source()).as("intake flows again").isEqualTo(ChangeSource.CDC);
        assertThat(whileStopped).allSatisfy(id -> assertThat(org.ledger().forContact(id)).as("changes of %s", id)
                .singleElement().satisfies(change -> {
                    assertThat(change.source()).isEqualTo(ChangeSource.CATCHUP);
                    assertThat(change.optedOut()).isTrue();
                }));
        List<ContactChange> flipped = org.ledger().forContact(beforeStop.get(0));
        assertThat(flipped).extracting(ContactChange::optedOut).containsExactly(true, false);
        assertThat(flipped.get(1).source()).isEqualTo(ChangeSource.CATCHUP);
        beforeStop.subList(1, beforeStop.size()).forEach(id -> assertThat(org.ledger().forContact(id)).hasSize(1));
        assertThat(org.ledger().count()).isEqualTo(beforeStop.size() + whileStopped.size() + 1 + 1);
    }

    private void start(SalesforceEmulator emulator) {
        org = RestartedService.against(emulator)
                .with("optout.catch-up.poll-interval", "200")
                .with("optout.gap-requery.poll-interval", "200")
                .with("optout.initial-snapshot.poll-interval", "PT0.2S")
                .with("optout.catch-up.settle", "PT1S");
        salesforce = org.salesforce();
        specialist = org.specialist();
    }
}
