package edu.cu.ecomm.optout.intake;

import java.time.Instant;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Makes visible the one loss intake cannot prevent: camel-salesforce decodes each event's Avro payload itself
 * and, when it cannot, logs the error and skips the event — the route never sees it, and the payload is gone.
 * Its only trace is that log line, so this watches for it and turns each one into a dead letter (reason and
 * time; no payload exists) for the operator, whose remedy is a catch-up from that time (replaying the letter
 * runs it; the periodic sweep also finds what the event changed). If the database refuses the letter, intake
 * halts ({@link IntakeRecovery}) and restarts from the checkpoint, before the skipped event, until it takes it.
 */
@Component
class SkippedEventWatch extends CamelSalesforceLogWatch {

    private static final Logger LOG = LoggerFactory.getLogger(SkippedEventWatch.class);

    /** camel-salesforce 4.17 logs {@code LOG.error(e.toString(), e)} here for an event it could not process. */
    static final String CLIENT_LOGGER =
            "org.apache.camel.component.salesforce.internal.client.PubSubApiClient$FetchResponseObserver";

    private final DeadLetters deadLetters;
    private final ReplayCheckpoints checkpoints;
    private final MeterRegistry meters;
    private final IntakeRecovery recovery;
    private final String topic;

    SkippedEventWatch(DeadLetters deadLetters, ReplayCheckpoints checkpoints, MeterRegistry meters,
                      IntakeRecovery recovery, @Value("${optout.intake.topic}") String topic) {
        super("optout-skipped-event-watch", CLIENT_LOGGER);
        this.deadLetters = deadLetters;
        this.checkpoints = checkpoints;
        this.meters = meters;
        this.recovery = recovery;
        this.topic = topic;
    }

    @Override
    protected void append(ILoggingEvent event) {
        IThrowableProxy thrown = event.getThrowableProxy();
        // The stream's own errors (disconnects, auth) are logged with other messages and recover by themselves.
        if (event.getLevel() != Level.ERROR || thrown == null || !isSkippedEventMessage(event, thrown)) {
            return;
        }
        try {
            // Events arrive in commit order, so the skipped one is no older than the last recorded one: a
            // catch-up from the checkpoint's commit time (the letter's catch_up_from) finds what it changed.
            Instant from = checkpoints.find(topic).map(c -> c.commitTimestamp() != null ? c.commitTimestamp()
                    : c.updatedAt()).orElse(null);
            deadLetters.record(ContactChangeRecorder.ROUTE_ID, "event skipped by camel-salesforce, which could not"
                    + " decode it: " + event.getFormattedMessage()
                    + " (payload not available; run a catch-up from this time)", null, null, null, null, from);
            // Counted once its trace is kept: a refused letter halts intake, and the same event is skipped again.
            meters.counter("optout.intake.events", "outcome", "skipped").increment();
        } catch (RuntimeException e) {
            // Without its dead letter the skip leaves no trace once the checkpoint moves past it. Halted, intake
            // restarts from the checkpoint, the event arrives again and is decoded, or skipped and dead-lettered,
            // once the database takes it. (This class's logger is not the watched one: no loop back here.)
            LOG.error("Could not record the dead letter of an event camel-salesforce skipped: {}",
                    event.getFormattedMessage(), e);
            recovery.haltBecause("the dead letter of an event camel-salesforce skipped could not be recorded ("
                    + e.getMessage() + ")");
        }
    }

    private static boolean isSkippedEventMessage(ILoggingEvent event, IThrowableProxy thrown) {
        String message = event.getFormattedMessage();
        return message != null && message.startsWith(thrown.getClassName());
    }
}
