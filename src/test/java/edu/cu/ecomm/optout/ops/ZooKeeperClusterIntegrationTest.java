package edu.cu.ecomm.optout.ops;

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
import edu.cu.ecomm.optout.support.EmulatedServiceProperties;
import edu.cu.ecomm.optout.support.RunningService;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import edu.cu.ecomm.optout.support.TestDatabases;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** The intake leader elected through ZooKeeper (an embedded server) instead of the file lock. */
class ZooKeeperClusterIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final List<RunningService> instances = new ArrayList<>();
    private TestingServer zooKeeper;
    private SalesforceEmulator salesforce;
    private SalesforceRestClient specialist;
    private Map<String, String> properties;

    @BeforeEach
    void zooKeeperEmulatorAndSharedDatabase() throws Exception {
        zooKeeper = new TestingServer(true);
        salesforce = SalesforceEmulator.onPorts(0, 0).start();
        specialist = new SalesforceRestClient(salesforce.loginUrl());
        properties = new HashMap<>(EmulatedServiceProperties.forSalesforce(salesforce.httpPort(), salesforce.pubSubPort()));
        properties.putAll(TestDatabases.properties(TestDatabases.newName()));
        properties.put("optout.cluster.enabled", "true");
        properties.put("optout.cluster.service", "zookeeper");
        properties.put("camel.cluster.file.enabled", "false");
        properties.put("camel.cluster.zookeeper.enabled", "true");
        properties.put("camel.cluster.zookeeper.nodes", zooKeeper.getConnectString());
        properties.put("spring.jmx.unique-names", "true");
    }

    @AfterEach
    void stopAll() throws Exception {
        instances.stream().filter(RunningService::isRunning).forEach(RunningService::close);
        salesforce.stop();
        zooKeeper.close();
    }

    @Test
    void theZooKeeperLeaderSubscribesAndTheOtherTakesOverWhenItStops() {
        RunningService first = start();
        await().atMost(PATIENCE).until(() -> salesforce.pubSub().activeSubscriptions() == 1);
        RunningService second = start();
        await().atMost(PATIENCE).until(() -> second.bean(IntakeControl.class).role().equals("standby"));
        RunningService leader = first.bean(IntakeControl.class).isLeader() ? first : second;
        RunningService standby = leader == first ? second : first;

        List<String> contacts = newContacts(6);
        contacts.subList(0, 3).forEach(id -> specialist.setOptOut(id, true));
        await().atMost(PATIENCE).until(() -> standby.bean(ChangeLedger.class).count() == 3);
        assertThat(salesforce.pubSub().activeSubscriptions()).isEqualTo(1);

        leader.close();
        contacts.subList(3, 6).forEach(id -> specialist.setOptOut(id, true));
        await().atMost(Duration.ofSeconds(30)).until(() -> standby.bean(IntakeControl.class).isConnected());
        await().atMost(PATIENCE).until(() -> standby.bean(ChangeLedger.class).count() == 6);
        contacts.forEach(id -> assertThat(standby.bean(ChangeLedger.class).forContact(id)).hasSize(1));
    }

    private RunningService start() {
        RunningService service = RunningService.start(properties);
        instances.add(service);
        // Its first start's catch-up is done: what the test changes is intake's to record.
        JdbcTemplate jdbc = service.bean(JdbcTemplate.class);
        await().atMost(PATIENCE).until(() -> jdbc.queryForObject(
                "select count(*) from catch_up_request where state = 'PENDING'", Long.class) == 0);
        return service;
    }

    private List<String> newContacts(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            ids.add(salesforce.http().createContact(Map.of("FirstName", "Zk", "LastName", "Test " + suffix,
                    "Email", "zk." + suffix + "@example.edu", "HasOptedOutOfEmail", false)));
        }
        return ids;
    }
}
