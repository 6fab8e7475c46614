package edu.cu.ecomm.optout.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.support.EmulatedServiceProperties;
import edu.cu.ecomm.optout.support.RunningService;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import edu.cu.ecomm.optout.support.TestDatabases;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.listeners.JobListenerSupport;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two instances on one database, clustered with the file lock: exactly one subscribes to Salesforce, each nightly
 * trigger fires on one of them, and when the leader goes away the other takes intake over within 30 seconds,
 * from the checkpoint stored at that moment, losing and doubling nothing. On PostgreSQL when
 * OPTOUT_TEST_DATABASE=postgres, else on one H2 file database.
 */
class TwoInstancesIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Duration TAKE_OVER = Duration.ofSeconds(30);

    private final Path work = Path.of("target", "cluster-test", UUID.randomUUID().toString()).toAbsolutePath();
    private final Set<String> fires = ConcurrentHashMap.newKeySet();
    private final List<RunningService> instances = new ArrayList<>();
    private SalesforceEmulator salesforce;
    private SalesforceRestClient specialist;
    private Map<String, String> properties;

    @BeforeEach
    void emulatorAndSharedDatabase() {
        salesforce = SalesforceEmulator.onPorts(0, 0).start();
        specialist = new SalesforceRestClient(salesforce.loginUrl());
        properties = new HashMap<>(EmulatedServiceProperties.forSalesforce(salesforce.httpPort(), salesforce.pubSubPort()));
        properties.putAll(TestDatabases.properties(TestDatabases.newName()));
        properties.put("optout.cluster.enabled", "true");
        properties.put("camel.cluster.file.root", work.resolve("cluster").toString());
        properties.put("camel.cluster.file.acquire-lock-interval", "1s");
        properties.put("camel.cluster.file.heartbeat-timeout-multiplier", "3");
        // The nightly trigger every 2 seconds, so that its fires can be counted.
        properties.put("optout.ascend.cron", "0/2 * * * * ?");
        properties.put("optout.ascend.endpoint", "file:" + work.resolve("ascend"));
        properties.put("optout.ascend.staging-dir", work.resolve("staging").toString());
        properties.put("spring.quartz.properties.org.quartz.jobStore.clusterCheckinInterval", "1000");
        properties.put("optout.resubscribe.endpoint", "file:" + work.resolve("sheets"));
        properties.put("optout.tickets.endpoint", "file:" + work.resolve("tickets"));
        // Two instances in one JVM: each registers its MBeans under a name of its own.
        properties.put("spring.jmx.unique-names", "true");
    }

    @AfterEach
    void stopAll() {
        instances.stream().filter(RunningService::isRunning).forEach(RunningService::close);
        salesforce.stop();
    }

    @Test
    void oneInstanceSubscribesTheTriggerFiresOnceAndTheOtherTakesOverFromTheCheckpoint() {
        RunningService first = start();
        await().atMost(PATIENCE).until(() -> salesforce.pubSub().activeSubscriptions() == 1);
        // The second starts before any checkpoint exists: its consumer is built for LATEST, yet must resume from
        // the checkpoint stored when it takes over.
        RunningService second = start();
        await().atMost(PATIENCE).until(() -> second.bean(IntakeControl.class).role().equals("standby"));
        assertThat(first.bean(IntakeControl.class).role()).isEqualTo("leader");

        List<String> contacts = newContacts(20);
        contacts.subList(0, 8).forEach(id -> specialist.setOptOut(id, true));
        await().atMost(PATIENCE).until(() -> ledger(second).count() == 8);
        assertThat(salesforce.pubSub().activeSubscriptions()).as("subscriptions with two instances").isEqualTo(1);
        await().atMost(PATIENCE).until(() -> fires.size() >= 4);
        Map<String, Long> firesPerTime = fires.stream()
                .collect(Collectors.groupingBy(fire -> fire.substring(fire.indexOf('@') + 1, fire.indexOf('#')),
                        Collectors.counting()));
        assertThat(firesPerTime).as("nightly trigger fires per scheduled time")
                .allSatisfy((time, count) -> assertThat(count).as("fires at %s", time).isEqualTo(1));

        first.close();
        Instant stopped = Instant.now();
        // Changes while nobody subscribes: the new leader must pick them up from the stored checkpoint.
        specialist.updateAll(contacts.subList(8, 14), Map.of("HasOptedOutOfEmail", true), null);
        contacts.subList(14, 20).forEach(id -> specialist.setOptOut(id, true));
        contacts.subList(0, 2).forEach(id -> specialist.setOptOut(id, false));

        await().atMost(TAKE_OVER).until(() -> second.bean(IntakeControl.class).isConnected()
                && salesforce.pubSub().activeSubscriptions() == 1);
        assertThat(Duration.between(stopped, Instant.now())).as("from the leader's stop to the new leader's subscription")
                .isLessThan(TAKE_OVER);
        assertThat(second.bean(IntakeControl.class).role()).isEqualTo("leader");

        await().atMost(PATIENCE).until(() -> ledger(second).count() == 8 + 12 + 2);
        String marker = newContacts(1).get(0);
        specialist.setOptOut(marker, true);
        await().atMost(PATIENCE).until(() -> ledger(second).forContact(marker).size() == 1);
        assertThat(ledger(second).count()).as("every change once").isEqualTo(8 + 12 + 2 + 1);
        contacts.forEach(id -> assertThat(ledger(second).forContact(id)).as("changes of %s", id)
                .hasSize(contacts.indexOf(id) < 2 ? 2 : 1));
    }

    @Test
    void pendingCatchUpsSnapshotsGapReReadsAndTheAscendExportPickUpRunOnTheLeaderOnly() {
        RunningService first = start();
        RunningService second = start();
        await().atMost(PATIENCE).until(() -> second.bean(IntakeControl.class).role().equals("standby"));
        assertThat(first.bean(IntakeControl.class).role()).isEqualTo("leader");

        // Each would otherwise run the same pending snapshot (a Bulk API job per node) and the same catch-up, and
        // stage the same CU Ascend export once per node.
        for (String route : List.of("catch-up-requests", "gap-requery", "ascend-export-intake")) {
            assertThat(routeStatus(first, route)).as("%s on the leader", route).isEqualTo(ServiceStatus.Started);
            assertThat(routeStatus(second, route)).as("%s on the standby", route).isNotEqualTo(ServiceStatus.Started);
        }
    }

    private static ServiceStatus routeStatus(RunningService service, String routeId) {
        return service.bean(CamelContext.class).getRouteController().getRouteStatus(routeId);
    }

    private RunningService start() {
        RunningService service = RunningService.start(properties);
        instances.add(service);
        // Its first start's catch-up is done: what the test changes is intake's to record.
        JdbcTemplate jdbc = service.bean(JdbcTemplate.class);
        await().atMost(PATIENCE).until(() -> jdbc.queryForObject(
                "select count(*) from catch_up_request where state = 'PENDING'", Long.class) == 0);
        Scheduler scheduler = service.bean(Scheduler.class);
        try {
            String instance = scheduler.getSchedulerInstanceId();
            scheduler.getListenerManager().addJobListener(new JobListenerSupport() {
                @Override
                public String getName() {
                    return "fire-counter";
                }

                @Override
                public void jobWasExecuted(JobExecutionContext job, JobExecutionException error) {
                    if (job.getJobDetail().getKey().getName().contains("ascend-nightly")) {
                        fires.add(instance + "@" + job.getScheduledFireTime().toInstant() + "#" + UUID.randomUUID());
                    }
                }
            });
        } catch (SchedulerException e) {
            throw new IllegalStateException(e);
        }
        return service;
    }

    private static ChangeLedger ledger(RunningService service) {
        return service.bean(ChangeLedger.class);
    }

    private List<String> newContacts(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            ids.add(salesforce.http().createContact(Map.of("FirstName", "Cluster", "LastName", "Test " + suffix,
                    "Email", "cluster." + suffix + "@example.edu", "HasOptedOutOfEmail", false)));
        }
        return ids;
    }
}
