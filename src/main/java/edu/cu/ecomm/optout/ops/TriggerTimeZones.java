package edu.cu.ecomm.optout.ops;

import java.util.Map;
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
 * Makes a changed {@code optout.ascend.time-zone}, {@code optout.resubscribe.time-zone} or
 * {@code optout.audit.time-zone} take effect. The nightly and weekly triggers live in the database and
 * camel-quartz replaces a stored trigger only when its cron expression changed; so before the routes start,
 * a stored trigger read in another time zone than its setting is removed and its route schedules it afresh.
 */
@Component
class TriggerTimeZones implements CamelContextConfiguration {

    /** The {@code quartz:} endpoints of routes/ascend-nightly, resubscribe-weekly and audit (group/name). */
    static final TriggerKey NIGHTLY = TriggerKey.triggerKey("ascend-nightly", "optout");
    static final TriggerKey RESUBSCRIBE_WEEKLY = TriggerKey.triggerKey("resubscribe-weekly", "optout");
    static final TriggerKey PARITY_AUDIT = TriggerKey.triggerKey("parity-audit", "optout");
    private static final Logger LOG = LoggerFactory.getLogger(TriggerTimeZones.class);

    private final ObjectProvider<Scheduler> scheduler;
    private final Map<TriggerKey, String> timeZones;

    TriggerTimeZones(ObjectProvider<Scheduler> scheduler,
                     @Value("${optout.ascend.time-zone:America/Denver}") String ascend,
                     @Value("${optout.resubscribe.time-zone:America/Denver}") String resubscribe,
                     @Value("${optout.audit.time-zone:America/Denver}") String audit) {
        this.scheduler = scheduler;
        this.timeZones = Map.of(NIGHTLY, ascend, RESUBSCRIBE_WEEKLY, resubscribe, PARITY_AUDIT, audit);
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        Scheduler quartz = scheduler.getIfAvailable();
        if (quartz == null) {
            return;
        }
        timeZones.forEach((key, timeZone) -> {
            try {
                Trigger stored = quartz.getTrigger(key);
                String wanted = TimeZone.getTimeZone(timeZone).getID();
                if (stored instanceof CronTrigger cron && !cron.getTimeZone().getID().equals(wanted)) {
                    LOG.info("The Quartz trigger {} was stored for time zone {}; rescheduling it for {}", key,
                            cron.getTimeZone().getID(), wanted);
                    quartz.unscheduleJob(key);
                }
            } catch (SchedulerException e) {
                throw new IllegalStateException("Cannot read the stored Quartz trigger " + key, e);
            }
        });
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
    }
}
