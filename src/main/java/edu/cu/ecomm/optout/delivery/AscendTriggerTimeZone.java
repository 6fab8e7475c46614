package edu.cu.ecomm.optout.delivery;

import java.util.TimeZone;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.quartz.CronTrigger;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Makes a changed {@code optout.ascend.time-zone} take effect. The nightly trigger lives in the database and
 * camel-quartz replaces a stored trigger only when its cron expression changed; so before the routes start,
 * a stored trigger read in another time zone is removed and the route schedules it afresh.
 */
@Component
class AscendTriggerTimeZone implements CamelContextConfiguration {

    static final TriggerKey NIGHTLY = TriggerKey.triggerKey("ascend-nightly", "optout");
    private static final Logger LOG = LoggerFactory.getLogger(AscendTriggerTimeZone.class);

    private final ObjectProvider<Scheduler> scheduler;
    private final String timeZone;

    AscendTriggerTimeZone(ObjectProvider<Scheduler> scheduler,
                          @Value("${optout.ascend.time-zone:America/Denver}") String timeZone) {
        this.scheduler = scheduler;
        this.timeZone = timeZone;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        Scheduler quartz = scheduler.getIfAvailable();
        if (quartz == null) {
            return;
        }
        try {
            Trigger stored = quartz.getTrigger(NIGHTLY);
            String wanted = TimeZone.getTimeZone(timeZone).getID();
            if (stored instanceof CronTrigger cron && !cron.getTimeZone().getID().equals(wanted)) {
                LOG.info("The CU Ascend trigger was stored for time zone {}; rescheduling it for {}",
                        cron.getTimeZone().getID(), wanted);
                quartz.unscheduleJob(NIGHTLY);
            }
        } catch (SchedulerException e) {
            throw new IllegalStateException("Cannot read the stored CU Ascend trigger", e);
        }
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
    }
}
