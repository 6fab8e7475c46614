package edu.cu.ecomm.optout.intake;

import java.time.Instant;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Covers the hole when Salesforce rejects the replay id intake resumes from (corrupted, or no longer retained).
 * The route subscribes with {@code fallbackToLatestReplayId=true}: camel-salesforce 4.17 then resubscribes at
 * LATEST by itself and logs one WARN ({@code replay id: … is corrupt. Trying to recover by resubscribing with
 * LATEST replay preset}) — its only sign, since it neither calls the route nor the exception handler. (Without
 * the fallback it calls the exception handler and then resubscribes with the same rejected id, forever.) This
 * watches for that line and asks for a catch-up from the last checkpoint's commit time, which covers every
 * event between the checkpoint and the new LATEST.
 */
@Component
class RejectedReplayIdWatch extends CamelSalesforceLogWatch {

    static final String CLIENT_LOGGER = "org.apache.camel.component.salesforce.internal.client.PubSubApiClient";
    static final String FALLBACK_MESSAGE = "is corrupt. Trying to recover by resubscribing with LATEST";

    private final ReplayCheckpoints checkpoints;
    private final CatchUps catchUps;
    private final MeterRegistry meters;
    private final String topic;

    RejectedReplayIdWatch(ReplayCheckpoints checkpoints, CatchUps catchUps, MeterRegistry meters,
                          @Value("${optout.intake.topic}") String topic) {
        super("optout-rejected-replay-id-watch", CLIENT_LOGGER);
        this.checkpoints = checkpoints;
        this.catchUps = catchUps;
        this.meters = meters;
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
            addError("could not request a catch-up after a rejected replay id", e);
        }
    }
}
