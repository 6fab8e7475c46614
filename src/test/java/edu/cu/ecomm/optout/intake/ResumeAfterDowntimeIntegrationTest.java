package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import edu.cu.ecomm.optout.emulator.salesforce.PubSubEmulator;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceHttpEmulator;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.support.EmulatedServiceProperties;
import edu.cu.ecomm.optout.support.RunningService;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import edu.cu.ecomm.optout.support.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The service comes back when its checkpoint can no longer be resumed from — older than Salesforce keeps events,
 * or rejected as corrupted — and on its very first start: it subscribes at the newest event and covers the hole
 * with a catch-up (or seeds the known values with a Bulk API snapshot), so nothing is lost and nothing doubled.
 */
class ResumeAfterDowntimeIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Duration RETENTION = Duration.ofSeconds(4);

    private SalesforceEmulator salesforce;
    private SalesforceRestClient specialist;
    private Map<String, String> properties;
    private RunningService service;

    @AfterEach
    void stopAll() {
        if (service != null && service.isRunning()) {
            service.close();
        }
        salesforce.stop();
    }

    @Test
    void checkpointOlderThanRetentionRestartsAtLatestAndCatchesUpWithNothingLost() {
        start(new SalesforceEmulator(SalesforceHttpEmulator.Config.defaults(),
                PubSubEmulator.Settings.defaults().withRetention(RETENTION)));
        properties.put("optout.intake.retention", RETENTION.toString());
        List<String> contacts = newContacts(12);
        startService();
        List<String> beforeStop = contacts.subList(0, 4);
        beforeStop.forEach(id -> specialist.setOptOut(id, true));
        await().atMost(PATIENCE).until(() -> ledger().count() == 4);
        stopService();

        List<String> whileStopped = contacts.subList(4, 12);
        specialist.updateAll(whileStopped.subList(0, 5), Map.of("HasOptedOutOfEmail", true), null);
        whileStopped.subList(5, 8).forEach(id -> specialist.setOptOut(id, true));
        specialist.setOptOut(beforeStop.get(0), false);
        // Salesforce drops them: the stored checkpoint now names an event it no longer has.
        await().atMost(PATIENCE).until(() -> salesforce.pubSub().retainedCount() == 0);
        startService();

        await().atMost(PATIENCE).until(() -> ledger().count() >= 4 + 8 + 1);
        assertThat(jdbc().queryForList("select reason from catch_up_request where kind = 'CATCH_UP' and reason not like 'first start%'", String.class))
                .singleElement().asString().contains("older than the " + RETENTION + " retention window");
        assertCaughtUp(beforeStop, whileStopped);
    }

    @Test
    void corruptedReplayIdRestartsAtLatestAndCatchesUpWithNothingLost() {
        start(SalesforceEmulator.onPorts(0, 0));
        List<String> contacts = newContacts(10);
        startService();
        List<String> beforeStop = contacts.subList(0, 3);
        beforeStop.forEach(id -> specialist.setOptOut(id, true));
        await().atMost(PATIENCE).until(() -> ledger().count() == 3);
        stopService();

        List<String> whileStopped = contacts.subList(3, 10);
        specialist.updateAll(whileStopped, Map.of("HasOptedOutOfEmail", true), null);
        specialist.setOptOut(beforeStop.get(0), false);
        salesforce.pubSub().failNextSubscribeWithCorruptedReplayId();
        startService();

        await().atMost(PATIENCE).until(() -> ledger().count() >= 3 + 7 + 1);
        assertThat(jdbc().queryForList("select reason from catch_up_request where kind = 'CATCH_UP' and reason not like 'first start%'", String.class))
                .singleElement().asString().contains("rejected the replay id");
        assertCaughtUp(beforeStop, whileStopped);
    }

    @Test
    void firstStartSeedsTheKnownValuesFromABulkSnapshotWithoutSendingThem() {
        start(SalesforceEmulator.onPorts(0, 0));
        List<String> seeded = salesforce.http().seedContacts(40, 11);
        List<String> optedOut = seeded.subList(0, 7);
        optedOut.forEach(id -> salesforce.http().updateContact(id, Map.of("HasOptedOutOfEmail", true)));
        properties.put("optout.initial-snapshot.page-size", "15");
        startService();

        await().atMost(PATIENCE).until(() -> jdbc().queryForObject("select count(*) from catch_up_request"
                + " where kind = 'SNAPSHOT' and state = 'DONE'", Long.class) == 1);
        Map<String, Boolean> state = new HashMap<>();
        jdbc().query("select contact_id, opted_out from contact_state", rs -> {
            state.put(rs.getString(1), rs.getBoolean(2));
        });
        Map<String, Boolean> expected = new HashMap<>();
        salesforce.http().allContacts().forEach(c -> expected.put((String) c.get("Id"), (Boolean) c.get("HasOptedOutOfEmail")));
        assertThat(state).isEqualTo(expected);
        assertThat(state.values()).filteredOn(Boolean::booleanValue).hasSizeGreaterThanOrEqualTo(optedOut.size());
        assertThat(ledger().count()).as("not sent to CU Ascend").isZero();

        stopService();
        startService();
        assertThat(jdbc().queryForObject("select count(*) from catch_up_request where kind = 'SNAPSHOT'", Long.class))
                .as("a restart is not a first start").isEqualTo(1);
    }

    @Test
    void initialSnapshotIsSentToAscendWhenAsked() {
        start(SalesforceEmulator.onPorts(0, 0));
        List<String> seeded = salesforce.http().seedContacts(12, 12);
        properties.put("optout.initial-snapshot.deliver", "true");
        startService();

        await().atMost(PATIENCE).until(() -> ledger().count() == seeded.size());
        assertThat(seeded).allSatisfy(id -> assertThat(ledger().forContact(id)).singleElement()
                .satisfies(change -> assertThat(change.changeType()).isEqualTo("SNAPSHOT")));
    }

    /** Changes before the stop were CDC's; those made while it was down are the catch-up's; none doubled. */
    private void assertCaughtUp(List<String> beforeStop, List<String> whileStopped) {
        await().atMost(PATIENCE).until(() -> jdbc().queryForObject(
                "select count(*) from catch_up_request where state = 'PENDING'", Long.class) == 0);
        String marker = newContacts(1).get(0);
        specialist.setOptOut(marker, true);
        await().atMost(PATIENCE).until(() -> ledger().forContact(marker).size() == 1);
        assertThat(ledger().forContact(marker).get(0).source()).as("intake flows again").isEqualTo(ChangeSource.CDC);
        assertThat(whileStopped).allSatisfy(id -> assertThat(ledger().forContact(id)).as("changes of %s", id)
                .singleElement().satisfies(change -> {
                    assertThat(change.source()).isEqualTo(ChangeSource.CATCHUP);
                    assertThat(change.optedOut()).isTrue();
                }));
        List<ContactChange> flipped = ledger().forContact(beforeStop.get(0));
        assertThat(flipped).extracting(ContactChange::optedOut).containsExactly(true, false);
        assertThat(flipped.get(1).source()).isEqualTo(ChangeSource.CATCHUP);
        beforeStop.subList(1, beforeStop.size()).forEach(id -> assertThat(ledger().forContact(id)).hasSize(1));
        assertThat(ledger().count()).isEqualTo(beforeStop.size() + whileStopped.size() + 1 + 1);
    }

    private void start(SalesforceEmulator emulator) {
        salesforce = emulator.start();
        specialist = new SalesforceRestClient(salesforce.loginUrl());
        properties = new HashMap<>(EmulatedServiceProperties.forSalesforce(salesforce.httpPort(),
                salesforce.pubSubPort()));
        properties.putAll(TestDatabases.properties(TestDatabases.newName()));
        properties.put("optout.catch-up.poll-interval", "200");
        properties.put("optout.gap-requery.poll-interval", "200");
        properties.put("optout.initial-snapshot.poll-interval", "PT0.2S");
        properties.put("optout.catch-up.settle", "PT1S");
    }

    private void startService() {
        service = RunningService.start(properties);
        await().atMost(PATIENCE).until(() -> salesforce.pubSub().activeSubscriptions() == 1);
    }

    private void stopService() {
        service.close();
        await().atMost(PATIENCE).until(() -> salesforce.pubSub().activeSubscriptions() == 0);
    }

    private List<String> newContacts(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            ids.add(salesforce.http().createContact(Map.of("LastName", "Downtime " + suffix,
                    "Email", "downtime." + suffix + "@example.edu", "HasOptedOutOfEmail", false)));
        }
        return ids;
    }

    private ChangeLedger ledger() {
        return service.bean(ChangeLedger.class);
    }

    private JdbcTemplate jdbc() {
        return service.bean(JdbcTemplate.class);
    }
}
