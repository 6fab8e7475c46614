package edu.cu.ecomm.optout.intake;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.ledger.NewChange;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Records one decoded event: a ledger row per contact whose Email Opt Out it changed, a dead letter per
 * invalid record id, and the replay checkpoint moved past the event — all in one transaction, so the
 * checkpoint never runs ahead of what is recorded and a replayed event records nothing twice.
 */
@Component("contactChangeRecorder")
public class ContactChangeRecorder {

    static final String ROUTE_ID = "contact-changes";

    private final ChangeLedger ledger;
    private final ReplayCheckpoints checkpoints;
    private final DeadLetters deadLetters;
    private final MeterRegistry meters;
    private final String topic;
    // Looked up once: a registry look-up per event shows in an intake profile.
    private final Counter gapEvents;
    private final Counter ignoredEvents;
    private final Counter optOutChangeEvents;
    private final Counter changesRecorded;
    private final Counter changesDuplicate;
    private final Counter idsInvalid;

    public ContactChangeRecorder(ChangeLedger ledger, ReplayCheckpoints checkpoints, DeadLetters deadLetters,
                                 MeterRegistry meters, @Value("${optout.intake.topic}") String topic) {
        this.ledger = ledger;
        this.checkpoints = checkpoints;
        this.deadLetters = deadLetters;
        this.meters = meters;
        this.topic = topic;
        this.gapEvents = meters.counter("optout.intake.events", "outcome", "gap");
        this.ignoredEvents = meters.counter("optout.intake.events", "outcome", "ignored");
        this.optOutChangeEvents = meters.counter("optout.intake.events", "outcome", "opt-out-change");
        this.changesRecorded = meters.counter("optout.intake.changes.recorded");
        this.changesDuplicate = meters.counter("optout.intake.changes.duplicate");
        this.idsInvalid = meters.counter("optout.intake.ids.invalid");
    }

    @Transactional
    public RecordingOutcome record(ContactChangeEvent event) {
        RecordingOutcome outcome;
        if (event.isGap()) {
            // Header only: the values must be re-read from Salesforce. Kept as a dead letter so an operator
            // sees which contacts to re-check until gap events are re-queried automatically.
            deadLetters.record(ROUTE_ID, event.changeType() + " event carries no field values; re-read contacts "
                    + event.recordIds(), event.toString(), event.eventId(), event.replayId(), null);
            outcome = new RecordingOutcome(0, 0, 0, false);
        } else {
            outcome = event.optOutChange().map(optedOut -> recordEach(event, optedOut))
                    .orElse(new RecordingOutcome(0, 0, 0, true));
        }
        checkpoints.advance(topic, event.replayId(), event.commitTimestamp());
        count(outcome, event.isGap());
        return outcome;
    }

    /**
     * Keeps an event this service could not read or record, raw, with the reason, and moves the checkpoint
     * past it so intake goes on; an operator can replay it from the dead letters.
     */
    @Transactional
    public void recordUnprocessable(Object payload, String eventId, String replayId, Throwable cause) {
        boolean undecodable = cause instanceof UndecodableEventException;
        String reason = (undecodable ? "undecodable event: " : "could not record event: ") + cause.getMessage();
        deadLetters.record(ROUTE_ID, reason, rawText(payload), eventId, replayId, null);
        if (replayId != null) {
            checkpoints.advance(topic, replayId, null);
        }
        meters.counter("optout.intake.events", "outcome", undecodable ? "undecodable" : "failed").increment();
    }

    private RecordingOutcome recordEach(ContactChangeEvent event, boolean optedOut) {
        List<NewChange> changes = new ArrayList<>(event.recordIds().size());
        int invalid = 0;
        for (String recordId : event.recordIds()) {
            Optional<String> contactId = SalesforceIds.toContactId18(recordId);
            if (contactId.isEmpty()) {
                deadLetters.record(ROUTE_ID, SalesforceIds.whyNotContactId(recordId), event.toString(),
                        event.eventId(), event.replayId(), recordId);
                invalid++;
                continue;
            }
            changes.add(new NewChange(contactId.get(), optedOut, event.changeType(), event.commitTimestamp(),
                    event.commitNumber(), event.transactionKey(), event.sequenceNumber(), event.eventId(),
                    event.replayId(), event.changeOrigin(), event.commitUser(), ChangeSource.CDC));
        }
        // One batch for all the event's contacts: a data load's event carries up to hundreds of them.
        int recorded = ledger.recordAll(changes);
        return new RecordingOutcome(recorded, changes.size() - recorded, invalid, false);
    }

    private void count(RecordingOutcome outcome, boolean gap) {
        (gap ? gapEvents : outcome.ignored() ? ignoredEvents : optOutChangeEvents).increment();
        changesRecorded.increment(outcome.recorded());
        changesDuplicate.increment(outcome.duplicates());
        idsInvalid.increment(outcome.invalidIds());
    }

    private static String rawText(Object payload) {
        if (payload instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        return String.valueOf(payload);
    }
}
