package edu.cu.ecomm.optout.intake;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.ledger.KnownValues;
import edu.cu.ecomm.optout.ledger.KnownValues.Known;
import edu.cu.ecomm.optout.ledger.LedgerWrites;
import edu.cu.ecomm.optout.ledger.NewChange;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import edu.cu.ecomm.optout.ops.CrashPoints;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Records one decoded event: a ledger row per contact whose Email Opt Out it changed, a dead letter per
 * invalid record id, and the replay checkpoint moved past the event — all in one transaction, so the
 * checkpoint never runs ahead of what is recorded and a replayed event records nothing twice.
 *
 * <p>Gap events (header only) queue their contacts for a re-read ({@link GapRequeries}); an overflow event (no
 * record ids) asks for a catch-up from its commit time ({@link CatchUps}) — in the same transaction, so the
 * checkpoint passes the event only once its work is durably queued. A CDC change whose value a catch-up or
 * gap re-read already recorded (it read Salesforce before the event arrived) is counted as a duplicate.
 *
 * <p>Opt-ins pass the data-load guard ({@link DataLoadGuard}) in the same transaction: those of a mass change are
 * recorded HELD instead of RECEIVED. Opt-outs never touch it.
 */
@Component("contactChangeRecorder")
public class ContactChangeRecorder {

    static final String ROUTE_ID = "contact-changes";

    static final String OVERFLOW = "GAP_OVERFLOW";

    private final ChangeLedger ledger;
    private final ReplayCheckpoints checkpoints;
    private final DeadLetters deadLetters;
    private final KnownValues known;
    private final GapRequeries gapRequeries;
    private final CatchUps catchUps;
    private final LedgerWrites writes;
    private final DataLoadGuard guard;
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
                                 KnownValues known, GapRequeries gapRequeries, CatchUps catchUps, LedgerWrites writes,
                                 DataLoadGuard guard, MeterRegistry meters,
                                 @Value("${optout.intake.topic}") String topic) {
        this.ledger = ledger;
        this.checkpoints = checkpoints;
        this.deadLetters = deadLetters;
        this.known = known;
        this.gapRequeries = gapRequeries;
        this.catchUps = catchUps;
        this.writes = writes;
        this.guard = guard;
        this.meters = meters;
        this.topic = topic;
        this.gapEvents = meters.counter("optout.intake.events", "outcome", "gap");
        this.ignoredEvents = meters.counter("optout.intake.events", "outcome", "ignored");
        this.optOutChangeEvents = meters.counter("optout.intake.events", "outcome", "opt-out-change");
        this.changesRecorded = meters.counter("optout.intake.changes.recorded");
        this.changesDuplicate = meters.counter("optout.intake.changes.duplicate");
        this.idsInvalid = meters.counter("optout.intake.ids.invalid");
    }

    public RecordingOutcome record(ContactChangeEvent event) {
        RecordingOutcome outcome = writes.inTransaction(() -> {
            RecordingOutcome result;
            if (OVERFLOW.equals(event.changeType())) {
                catchUps.request(event.commitTimestamp(), "GAP_OVERFLOW event " + event.eventId()
                        + " (a transaction too large for change events)");
                result = new RecordingOutcome(0, 0, 0, false);
            } else if (event.isGap()) {
                gapRequeries.queue(event);
                result = new RecordingOutcome(0, 0, 0, false);
            } else {
                result = event.optOutChange().map(optedOut -> recordEach(event, optedOut))
                        .orElse(new RecordingOutcome(0, 0, 0, true));
            }
            checkpoints.advance(topic, event.replayId(), event.commitTimestamp());
            CrashPoints.reach("intake");
            return result;
        });
        count(outcome, event.isGap());
        return outcome;
    }

    /**
     * Keeps an event this service could not read or record, raw, with the reason, and moves the checkpoint
     * past it so intake goes on; an operator can replay it from the dead letters.
     */
    public void recordUnprocessable(Object payload, String eventId, String replayId, Throwable cause) {
        boolean undecodable = cause instanceof UndecodableEventException;
        String reason = (undecodable ? "undecodable event: " : "could not record event: ") + cause.getMessage();
        writes.inTransaction(() -> {
            Instant from = checkpoints.find(topic).map(c -> c.commitTimestamp()).orElse(null);
            deadLetters.record(ROUTE_ID, reason, rawText(payload), eventId, replayId, null, from);
            if (replayId != null) {
                checkpoints.advance(topic, replayId, null);
            }
            return null;
        });
        meters.counter("optout.intake.events", "outcome", undecodable ? "undecodable" : "failed").increment();
    }

    private RecordingOutcome recordEach(ContactChangeEvent event, boolean optedOut) {
        List<NewChange> changes = new ArrayList<>(event.recordIds().size());
        int invalid = 0;
        // Already recorded, with this value or a later one, by a catch-up or gap re-read: duplicates.
        int reRead = 0;
        List<String> valid = new ArrayList<>();
        event.recordIds().forEach(id -> SalesforceIds.toContactId18(id).ifPresent(valid::add));
        Map<String, Known> knownValues = known.of(valid);
        for (String recordId : event.recordIds()) {
            Optional<String> contactId = SalesforceIds.toContactId18(recordId);
            if (contactId.isEmpty()) {
                deadLetters.record(ROUTE_ID, SalesforceIds.whyNotContactId(recordId), event.toString(),
                        event.eventId(), event.replayId(), recordId);
                invalid++;
                continue;
            }
            if (alreadyFoundByReRead(knownValues.get(contactId.get()), optedOut, event)) {
                reRead++;
                continue;
            }
            changes.add(new NewChange(contactId.get(), optedOut, event.changeType(), event.commitTimestamp(),
                    event.commitNumber(), event.transactionKey(), event.sequenceNumber(), event.eventId(),
                    event.replayId(), event.changeOrigin(), event.commitUser(), ChangeSource.CDC));
        }
        // One batch for all the event's contacts: a data load's event carries up to hundreds of them. Opt-outs always
        // flow; opt-ins pass the data-load guard, which records them held when they are part of a mass change.
        int recorded = optedOut ? ledger.recordAll(changes) : guard.recordOptIns(event, changes);
        return new RecordingOutcome(recorded, reRead + changes.size() - recorded, invalid, false);
    }

    /**
     * A catch-up or gap re-read read Salesforce before this event arrived: it recorded the same value, or a later
     * one (then this event is stale, and recording it would make CU Ascend's value go back in time).
     */
    private static boolean alreadyFoundByReRead(Known last, boolean optedOut, ContactChangeEvent event) {
        return last != null && last.fromLedger() && last.source() != ChangeSource.CDC
                && (last.optedOut() == optedOut || last.commitTimestamp().isAfter(event.commitTimestamp()));
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
