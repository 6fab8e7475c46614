package edu.cu.ecomm.optout.intake;

import java.time.Instant;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Covers the hole when Salesforce rejects the replay id intake resumes from (corrupted, or no longer retained).
 * The route subscribes with {@code fallbackToLatestReplayId=true}: camel-salesforce 4.17 then resubscribes at
 * LATEST by itself and logs one WARN ({@code replay id: … is corrupt. Trying to recover by resubscribing with
 * LATEST replay preset}) — its only sign, since it neither calls the route nor the exception handler. (Without
 * the fallback it calls the exception handler and then resubscribes with the same rejected id, forever.) This
 * watches for that line and asks for a catch-up from the last checkpoint's commit time, which covers every
 * event between the checkpoint and the new LATEST. If the database refuses the request, intake halts
 * ({@link IntakeRecovery}) until the rejection, restarted from the checkpoint, can be recorded.
 */
@Component
class RejectedReplayIdWatch extends CamelSalesforceLogWatch {

    private static final Logger LOG = LoggerFactory.getLogger(RejectedReplayIdWatch.class);

    static final String CLIENT_LOGGER = "org.apache.camel.component.salesforce.internal.client.PubSubApiClient";
    static final String FALLBACK_MESSAGE = "is corrupt. Trying to recover by resubscribing with LATEST";

    private final ReplayCheckpoints checkpoints;
    private final CatchUps catchUps;
    private final MeterRegistry meters;
    private final IntakeRecovery recovery;
    private final String topic;

    RejectedReplayIdWatch(ReplayCheckpoints checkpoints, CatchUps catchUps, MeterRegistry meters,
                          IntakeRecovery recovery, @Value("${optout.intake.topic}") String topic) {
        super("optout-rejected-replay-id-watch", CLIENT_LOGGER);
        this.checkpoints = checkpoints;
        this.catchUps = catchUps;
        this.meters = meters;
        this.recovery = recovery;
        this.topic = topic;
    }

    @Override
    protected void append(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        if (event.getLevel() != Level.WARN || message == null || !message.contains(FALLBACK_MESSAGE)) {
            return;
        }
        try {
            Instant from = checkpoints.find(topic)
                    .map(c -> c.commitTimestamp() != null ? c.commitTimestamp() : c.updatedAt())
                    .orElse(null);
            if (from == null) {
                // Nothing was ever recorded: the initial snapshot (or its absence) decides what is known.
                return;
            }
            catchUps.requestAfterResubscribe(from, "Salesforce rejected the replay id intake resumed from; resubscribed at LATEST");
            meters.counter("optout.intake.replay-id.rejected").increment();
        } catch (RuntimeException e) {
            // camel-salesforce is at LATEST already: recording on would move the checkpoint past the hole and erase
            // its only marker. Halted, intake restarts from the checkpoint, Salesforce rejects the replay id again
            // and the catch-up is asked for again, until the database takes it. (This class's logger is not the
            // watched one, so logging here does not come back to this appender.)
            LOG.error("Could not request the catch-up after Salesforce rejected the replay id intake resumed from", e);
            recovery.haltBecause("the catch-up after a rejected replay id could not be requested (" + e.getMessage() + ")");
        }
    }
}
