package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import edu.cu.ecomm.optout.support.EmulatedServiceProperties;
import edu.cu.ecomm.optout.support.RunningService;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import edu.cu.ecomm.optout.support.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The service stopped and started again while Salesforce keeps changing: it resumes from the checkpoint it
 * stored, so every change made while it was down is recorded once, and nothing recorded before is repeated.
 */
class ResumeAfterRestartIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String TOPIC = "/data/ContactChangeEvent";

    private SalesforceEmulator salesforce;
    private SalesforceRestClient specialist;
    private Map<String, String> properties;
    private RunningService service;

    @BeforeEach
    void emulatorAndDatabase() {
        salesforce = SalesforceEmulator.onPorts(0, 0).start();
        specialist = new SalesforceRestClient(salesforce.loginUrl());
        properties = new HashMap<>(EmulatedServiceProperties.forSalesforce(salesforce.httpPort(),
                salesforce.pubSubPort()));
        properties.putAll(TestDatabases.properties(TestDatabases.newName()));
    }

    @AfterEach
    void stopAll() {
        if (service != null && service.isRunning()) {
            service.close();
        }
        salesforce.stop();
    }

    @Test
    void changesMadeWhileStoppedAreRecordedOnceAfterRestart() {
        List<String> contacts = newContacts(30);
        startService();

        List<String> beforeStop = contacts.subList(0, 12);
        beforeStop.forEach(id -> specialist.setOptOut(id, true));
        await().atMost(PATIENCE).until(() -> ledger().count() == 12);
        stopService();

        List<String> whileStopped = contacts.subList(12, 30);
        specialist.updateAll(whileStopped.subList(0, 10), Map.of("HasOptedOutOfEmail", true), null);
        whileStopped.subList(10, 18).forEach(id -> specialist.setOptOut(id, true));
        beforeStop.subList(0, 3).forEach(id -> specialist.setOptOut(id, false));
        startService();

        await().atMost(PATIENCE).until(() -> ledger().count() >= 12 + 18 + 3);
        String marker = newContacts(1).get(0);
        specialist.setOptOut(marker, true);
        await().atMost(PATIENCE).until(() -> ledger().forContact(marker).size() == 1);
        assertThat(ledger().count()).as("N + M + the marker, none lost, none doubled").isEqualTo(12 + 18 + 3 + 1);
        contacts.forEach(id -> assertThat(ledger().forContact(id)).as("changes of %s", id)
                .hasSize(beforeStop.subList(0, 3).contains(id) ? 2 : 1));
    }

    @Test
    void eventDeliveredAgainRecordsNothingTwice() {
        List<String> contacts = newContacts(2);
        startService();
        specialist.setOptOut(contacts.get(0), true);
        await().atMost(PATIENCE).until(() -> ledger().forContact(contacts.get(0)).size() == 1);
        String afterFirst = checkpoints().find(TOPIC).orElseThrow().replayId();
        specialist.setOptOut(contacts.get(1), true);
        await().atMost(PATIENCE).until(() -> ledger().forContact(contacts.get(1)).size() == 1);
        String afterSecond = checkpoints().find(TOPIC).orElseThrow().replayId();
        stopService();

        // As if the checkpoint had been written before the second event: it will be delivered again.
        new JdbcTemplate(dataSource()).update("update replay_checkpoint set replay_id = ? where topic = ?",
                afterFirst, TOPIC);
        startService();

        await().atMost(PATIENCE).until(() -> afterSecond.equals(checkpoints().find(TOPIC).orElseThrow().replayId()));
        assertThat(ledger().forContact(contacts.get(1))).hasSize(1);
        assertThat(ledger().count()).isEqualTo(2);
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
            ids.add(salesforce.http().createContact(Map.of("FirstName", "Restart", "LastName", "Test " + suffix,
                    "Email", "restart." + suffix + "@example.edu", "HasOptedOutOfEmail", false)));
        }
        return ids;
    }

    private ChangeLedger ledger() {
        return service.bean(ChangeLedger.class);
    }

    private ReplayCheckpoints checkpoints() {
        return service.bean(ReplayCheckpoints.class);
    }

    private javax.sql.DataSource dataSource() {
        // The service is stopped: open the same database directly.
        org.springframework.jdbc.datasource.DriverManagerDataSource ds =
                new org.springframework.jdbc.datasource.DriverManagerDataSource(properties.get("spring.datasource.url"),
                        properties.get("spring.datasource.username"), properties.get("spring.datasource.password"));
        return ds;
    }
}
