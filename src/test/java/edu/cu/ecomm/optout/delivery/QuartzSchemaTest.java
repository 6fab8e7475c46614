package edu.cu.ecomm.optout.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import java.util.TimeZone;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.calendar.HolidayCalendar;
import org.springframework.scheduling.quartz.SchedulerFactoryBean;

/**
 * The Flyway Quartz tables work with the delegate the service configures, PostgreSQLDelegate, on H2: job data,
 * trigger data and calendars are serialized into BYTEA columns and read back.
 */
class QuartzSchemaTest {

    @AutoClose
    private final DeliveryDatabase db = new DeliveryDatabase();
    private SchedulerFactoryBean factory;

    public static class NoOpJob implements Job {
        @Override
        public void execute(JobExecutionContext context) {
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (factory != null) {
            factory.destroy();
        }
    }

    @Test
    void theClusteredJdbcStoreKeepsJobDataTriggersAndCalendarsInTheFlywayTables() throws Exception {
        Scheduler scheduler = scheduler();
        HolidayCalendar holidays = new HolidayCalendar();
        holidays.addExcludedDate(new java.util.Date(0));
        scheduler.addCalendar("holidays", holidays, false, false);
        JobDetail job = JobBuilder.newJob(NoOpJob.class).withIdentity("ascend-nightly", "optout")
                .usingJobData("CamelQuartzEndpoint", "quartz://optout/ascend-nightly?cron=0+0+1+*+*+?")
                .usingJobData("attempt", 3).build();
        scheduler.scheduleJob(job, TriggerBuilder.newTrigger().withIdentity("ascend-nightly", "optout")
                .withSchedule(CronScheduleBuilder.cronSchedule("0 0 1 * * ?")
                        .inTimeZone(TimeZone.getTimeZone("America/Denver"))
                        .withMisfireHandlingInstructionFireAndProceed())
                .usingJobData("timeZone", "America/Denver").modifiedByCalendar("holidays").build());

        JobDetail stored = scheduler.getJobDetail(JobKey.jobKey("ascend-nightly", "optout"));
        CronTrigger trigger = (CronTrigger) scheduler.getTrigger(TriggerKey.triggerKey("ascend-nightly", "optout"));

        assertThat(stored.getJobDataMap().getString("CamelQuartzEndpoint")).startsWith("quartz://optout/");
        assertThat(stored.getJobDataMap().getInt("attempt")).isEqualTo(3);
        assertThat(trigger.getJobDataMap().getString("timeZone")).isEqualTo("America/Denver");
        assertThat(trigger.getTimeZone().getID()).isEqualTo("America/Denver");
        assertThat(trigger.getMisfireInstruction()).isEqualTo(CronTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW);
        assertThat(scheduler.getCalendar("holidays")).isInstanceOf(HolidayCalendar.class);
        assertThat(db.jdbc.queryForObject("select count(*) from qrtz_job_details where job_data is not null",
                Long.class)).isEqualTo(1);
        assertThat(scheduler.getMetaData().isJobStoreClustered()).isTrue();
    }

    private Scheduler scheduler() throws Exception {
        Properties quartz = new Properties();
        quartz.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        quartz.setProperty("org.quartz.jobStore.isClustered", "true");
        quartz.setProperty("org.quartz.jobStore.driverDelegateClass",
                "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        quartz.setProperty("org.quartz.threadPool.threadCount", "1");
        factory = new SchedulerFactoryBean();
        factory.setSchedulerName("optout-sync-schema-test");
        factory.setDataSource(db.dataSource);
        factory.setQuartzProperties(quartz);
        factory.setAutoStartup(false);
        factory.afterPropertiesSet();
        return factory.getScheduler();
    }
}
