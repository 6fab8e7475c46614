package edu.cu.ecomm.optout.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.DelegateEndpoint;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Makes a route's {@code recoverableJob: true} take effect on a database whose Quartz job was stored before the
 * route asked for it. camel-quartz keeps a stored job as it is (with a clustered job store it is never removed at
 * shutdown, and only a trigger whose cron changed is replaced), so a job stored without "request recovery" would
 * never be redone after a crash. Once the routes are up, such a job is stored again asking for it; its trigger,
 * and so its next fire time and any missed night, are left as they are.
 */
@Component
class RecoverableJobs implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RecoverableJobs.class);

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        for (Route route : camelContext.getRoutes()) {
            Endpoint endpoint = route.getEndpoint();
            if (endpoint instanceof DelegateEndpoint delegate) {
                endpoint = delegate.getEndpoint();
            }
            if (endpoint instanceof QuartzEndpoint quartz && quartz.isRecoverableJob()) {
                askForRecovery(quartz.getComponent().getScheduler(), quartz.getTriggerKey());
            }
        }
    }

    private static void askForRecovery(Scheduler scheduler, TriggerKey trigger) {
        // camel-quartz names a route's job as its trigger.
        JobKey key = JobKey.jobKey(trigger.getName(), trigger.getGroup());
        try {
            JobDetail stored = scheduler.getJobDetail(key);
            if (stored != null && !stored.requestsRecovery()) {
                LOG.info("The Quartz job {} was stored without asking to be redone after a crash; storing it again",
                        key);
                scheduler.addJob(stored.getJobBuilder().requestRecovery(true).build(), true, true);
            }
        } catch (SchedulerException e) {
            throw new IllegalStateException("Cannot store the Quartz job " + key + " as recoverable", e);
        }
    }
}
