package edu.cu.ecomm.optout.delivery;

import static edu.cu.ecomm.optout.delivery.DeliveryDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quartz.CronTrigger;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.TriggerKey;
import org.quartz.listeners.JobListenerSupport;
import org.springframework.boot.autoconfigure.quartz.SchedulerFactoryBeanCustomizer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import edu.cu.ecomm.optout.OptOutSyncApplication;
import edu.cu.ecomm.optout.ops.CrashPoints;
import edu.cu.ecomm.optout.support.JavaProcess;
import edu.cu.ecomm.optout.support.TestDatabases;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeState;

/**
 * The nightly trigger as Quartz's clustered JDBC store runs it: whole service instances (Spring and Camel
 * contexts) started and stopped against one database.
 */
class AscendScheduleIntegrationTest {

    /** One fire of the nightly job on one instance. */
    record Fire(String instanceId, Instant scheduledFireTime) {
    }

    @Configuration(proxyBeanMethods = false)
    static class Contacts {
        @Bean
        @Primary
        FakeContacts fakeContacts() {
            return new FakeContacts();
        }

        /**
         * Records every fire, from before the scheduler starts: a night missed while down fires the moment it does,
         * which may be before the application context is even handed back.
         */
        @Bean
        SchedulerFactoryBeanCustomizer fireRecorder() {
            return factory -> factory.setGlobalJobListeners(new JobListenerSupport() {
                @Override
                public String getName() {
                    return "fire-recorder";
                }

                @Override
                public void jobWasExecuted(JobExecutionContext job, JobExecutionException error) {
                    try {
                        FIRES.add(new Fire(job.getScheduler().getSchedulerInstanceId(),
                                job.getScheduledFireTime().toInstant()));
                    } catch (org.quartz.SchedulerException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
        }
    }

    /** The fires of the instances this test started (each test starts its own, and stops them after it). */
    private static final List<Fire> FIRES = new CopyOnWriteArrayList<>();

    /** A cron that does not fire before 2099. */
    private static final String NEVER = "0 0 1 1 1 ? 2099";

    private final Map<String, String> database = TestDatabases.properties(TestDatabases.newName());
    private final Path work = Path.of("target", "ascend-schedule-it", UUID.randomUUID().toString());
    private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

    @AfterEach
    void stopInstances() {
        instances.forEach(ConfigurableApplicationContext::close);
        FIRES.clear();
    }

    @Test
    void aNightMissedWhileTheServiceWasDownRunsOnceAtStartUp() {
        ConfigurableApplicationContext first = start("0 0 1 * * ?");
        JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(database.get("spring.datasource.url"),
                database.get("spring.datasource.username"), database.get("spring.datasource.password")));
        ReadyChanges.ready(first.getBean(ChangeLedger.class), contact(1), true, Instant.parse("2026-11-26T15:00:00Z"));
        first.close();
        // While the service is down, 01:00 passes: the stored trigger's next fire time is now hours behind.
        long missed = Instant.now().minus(Duration.ofHours(3)).toEpochMilli();
        jdbc.update("update qrtz_triggers set next_fire_time = ? where trigger_name = 'ascend-nightly'", missed);

        ConfigurableApplicationContext restarted = start("0 0 1 * * ?");

        await().atMost(Duration.ofSeconds(60)).until(() -> FIRES.size() == 1
                && restarted.getBean(ChangeLedger.class).count(ChangeState.DELIVERED) == 1);
        // Once, not once per missed fire: the next fire is the next night again.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> FIRES.size() == 1);
        long next = jdbc.queryForObject(
                "select next_fire_time from qrtz_triggers where trigger_name = 'ascend-nightly'", Long.class);
        assertThat(Instant.ofEpochMilli(next)).isAfter(Instant.now());
    }

    @Test
    void aRunKilledMidDeliveryIsRedoneAtStartUpNotAtTheNextNight() {
        ConfigurableApplicationContext first = start(NEVER);
        ReadyChanges.ready(first.getBean(ChangeLedger.class), contact(1), true, Instant.parse("2026-11-26T15:00:00Z"));
        first.close();
        // A run fires in a process of its own and is killed (SIGKILL) while it builds the batch file: its claim on
        // the batch (lease: 30 minutes) and its Quartz fire are left behind in the database.
        JavaProcess killed = JavaProcess.start("killed run", OptOutSyncApplication.class,
                Map.of(CrashPoints.PROPERTY, "batch-building"),
                arguments("0/1 * * * * ?", "--spring.main.banner-mode=off"), work.resolve("killed-run.log"));
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
                assertThat(killed.isAlive()).as("%s is alive", killed).isTrue();
                return killed.output().contains("CRASH-POINT batch-building reached");
            });
        } finally {
            killed.kill();
        }

        // Started again with a cron that does not fire for decades: only Quartz's recovery of the dead run can deliver.
        ConfigurableApplicationContext restarted = start(NEVER);

        await().atMost(Duration.ofSeconds(90))
                .until(() -> restarted.getBean(ChangeLedger.class).count(ChangeState.DELIVERED) == 1);
        JdbcTemplate jdbc = restarted.getBean(JdbcTemplate.class);
        assertThat(jdbc.queryForList("select attempts from ascend_batch where state = 'DELIVERED'", Integer.class))
                .as("the killed run's batch, delivered by its redo").containsExactly(2);
    }

    @Test
    void aNightlyJobStoredBeforeItWasRecoverableAsksToBeRedoneAfterACrashOnceRestarted() throws Exception {
        ConfigurableApplicationContext first = start(NEVER);
        // The job as a version of the service without recoverableJob stored it.
        Scheduler scheduler = first.getBean(Scheduler.class);
        JobKey nightly = JobKey.jobKey("ascend-nightly", "optout");
        scheduler.addJob(scheduler.getJobDetail(nightly).getJobBuilder().requestRecovery(false).build(), true, true);
        first.close();

        ConfigurableApplicationContext restarted = start(NEVER);

        assertThat(restarted.getBean(Scheduler.class).getJobDetail(nightly).requestsRecovery()).isTrue();
    }

    @Test
    void aChangedTimeZoneReschedulesTheStoredNightlyAndWeeklyTriggers() throws Exception {
        String routes = "--camel.main.routes-include-pattern=file:routes/ascend-nightly.camel.yaml,"
                + "file:routes/resubscribe-weekly.camel.yaml,file:routes/audit.camel.yaml";
        String inbound = "--optout.audit.inbound=file:" + work.resolve("audit-inbound");
        start("0 0 1 * * ?", routes, inbound).close();

        ConfigurableApplicationContext restarted = start("0 0 1 * * ?", routes, inbound,
                "--optout.ascend.time-zone=Europe/Paris", "--optout.resubscribe.time-zone=Asia/Tokyo",
                "--optout.audit.time-zone=Australia/Sydney");

        Scheduler scheduler = restarted.getBean(Scheduler.class);
        assertThat(zone(scheduler, "ascend-nightly")).isEqualTo("Europe/Paris");
        assertThat(zone(scheduler, "resubscribe-weekly")).isEqualTo("Asia/Tokyo");
        assertThat(zone(scheduler, "parity-audit")).isEqualTo("Australia/Sydney");
    }

    private static String zone(Scheduler scheduler, String trigger) throws Exception {
        return ((CronTrigger) scheduler.getTrigger(TriggerKey.triggerKey(trigger, "optout"))).getTimeZone().getID();
    }

    @Test
    void twoInstancesOnOneDatabaseFireEachTriggerOnce() {
        start("0/2 * * * * ?");
        start("0/2 * * * * ?");

        await().atMost(Duration.ofSeconds(60)).until(() -> FIRES.size() >= 6);

        Map<Instant, Long> firesPerTime = FIRES.stream()
                .collect(Collectors.groupingBy(Fire::scheduledFireTime, Collectors.counting()));
        assertThat(firesPerTime).allSatisfy((time, count) -> assertThat(count)
                .as("fires at %s, of %s", time, FIRES).isEqualTo(1));
    }

    private ConfigurableApplicationContext start(String cron, String... more) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(OptOutSyncApplication.class,
                Contacts.class).run(arguments(cron, more).toArray(String[]::new));
        instances.add(context);
        return context;
    }

    /** An instance's command line: this test's database, only the nightly route unless {@code more} names routes. */
    private List<String> arguments(String cron, String... more) {
        List<String> args = new ArrayList<>();
        database.forEach((key, value) -> args.add("--" + key + "=" + value));
        if (Arrays.stream(more).noneMatch(option -> option.startsWith("--camel.main.routes-include-pattern="))) {
            args.add("--camel.main.routes-include-pattern=file:routes/ascend-nightly.camel.yaml");
        }
        args.addAll(List.of(
                "--optout.ascend.cron=" + cron,
                "--optout.ascend.endpoint=file:" + work.resolve("outbox"),
                "--optout.ascend.staging-dir=" + work.resolve("staging"),
                "--spring.quartz.properties.org.quartz.jobStore.clusterCheckinInterval=1000",
                // Two instances in one JVM: no HTTP port and no JMX names to share.
                "--spring.main.web-application-type=none", "--spring.jmx.enabled=false"));
        args.addAll(List.of(more));
        return args;
    }
}
