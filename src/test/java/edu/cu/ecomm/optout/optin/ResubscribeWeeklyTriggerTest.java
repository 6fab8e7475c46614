package edu.cu.ecomm.optout.optin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Date;

import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.CronTrigger;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.TriggerKey;

/** The weekly sheet's Quartz trigger as the route declares it: Monday 07:00 in Denver, summer or winter. */
class ResubscribeWeeklyTriggerTest {

    @TempDir
    Path outbox;
    @AutoClose
    private final FlowsFixture f = new FlowsFixture();

    @Test
    void firesOnMondayAtSevenInDenverTime() throws Exception {
        try (FlowRoutes routes = new FlowRoutes(f, outbox, "resubscribe-weekly.camel.yaml")) {
            routes.start();
            CronTrigger trigger = (CronTrigger) routes.context.getComponent("quartz", QuartzComponent.class)
                    .getScheduler().getTrigger(TriggerKey.triggerKey("resubscribe-weekly", "optout"));

            assertThat(trigger.getCronExpression()).isEqualTo("0 0 7 ? * MON");
            assertThat(trigger.getTimeZone().getID()).isEqualTo("America/Denver");
            ZoneId denver = ZoneId.of("America/Denver");
            Date winter = Date.from(ZonedDateTime.of(2026, 12, 2, 12, 0, 0, 0, denver).toInstant());
            assertThat(trigger.getFireTimeAfter(winter).toInstant())
                    .isEqualTo(ZonedDateTime.of(2026, 12, 7, 7, 0, 0, 0, denver).toInstant());
            Date summer = Date.from(ZonedDateTime.of(2027, 7, 1, 12, 0, 0, 0, denver).toInstant());
            assertThat(trigger.getFireTimeAfter(summer).toInstant().toString()).isEqualTo("2027-07-05T13:00:00Z");
        }
    }

    @Test
    void theWeeklyJobAsksQuartzToRedoAnExportCutShortByACrash() throws Exception {
        try (FlowRoutes routes = new FlowRoutes(f, outbox, "resubscribe-weekly.camel.yaml")) {
            routes.start();
            JobDetail job = routes.context.getComponent("quartz", QuartzComponent.class).getScheduler()
                    .getJobDetail(JobKey.jobKey("resubscribe-weekly", "optout"));

            // Quartz fires a job again after its instance died mid-run only when the job asked for it.
            assertThat(job.requestsRecovery()).isTrue();
        }
    }
}
