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
 * Records decoded events: a ledger row per contact whose Email Opt Out it changed, a dead letter per
 * invalid record id, and the replay checkpoint moved past the event — all in one transaction, so the
 * checkpoint never runs ahead of what is recorded and a replayed event records nothing twice. Intake records
 * consecutive events in one transaction ({@link #recordGroup}, checkpoint at the group's last event), and one by
 * one ({@link #recordOne}) only when a group cannot be recorded whole.
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

    private static final String UNDECODABLE = "undecodable event: ";

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
    private final Counter undecodableEvents;
    private final Counter groupsCommitted;
    private final IntakeRecovery recovery;

    public ContactChangeRecorder(ChangeLedger ledger, ReplayCheckpoints checkpoints, DeadLetters deadLetters,
                                 KnownValues known, GapRequeries gapRequeries, CatchUps catchUps, LedgerWrites writes,
                                 DataLoadGuard guard, IntakeRecovery recovery, MeterRegistry meters,
                                 @Value("${optout.intake.topic}") String topic) {
        this.ledger = ledger;
        this.checkpoints = checkpoints;
        this.deadLetters = deadLetters;
        this.known = known;
        this.gapRequeries = gapRequeries;
        this.catchUps = catchUps;
        this.writes = writes;
        this.guard = guard;
        this.recovery = recovery;
        this.meters = meters;
        this.topic = topic;
        this.gapEvents = meters.counter("optout.intake.events", "outcome", "gap");
        this.ignoredEvents = meters.counter("optout.intake.events", "outcome", "ignored");
        this.optOutChangeEvents = meters.counter("optout.intake.events", "outcome", "opt-out-change");
        this.changesRecorded = meters.counter("optout.intake.changes.recorded");
        this.changesDuplicate = meters.counter("optout.intake.changes.duplicate");
        this.idsInvalid = meters.counter("optout.intake.ids.invalid");
        this.undecodableEvents = meters.counter("optout.intake.events", "outcome", "undecodable");
        this.groupsCommitted = Counter.builder("optout.intake.groups.committed")
                .description("Groups of events recorded in one transaction each (events / groups = group size)")
                .register(meters);
    }

    public RecordingOutcome record(ContactChangeEvent event) {
        recovery.checkNotHalted();
        RecordingOutcome outcome = writes.inTransaction(() -> {
            RecordingOutcome result = recordInTransaction(event);
            checkpoints.advance(topic, event.replayId(), event.commitTimestamp());
            CrashPoints.reach("intake");
            return result;
        });
        count(outcome, event.isGap());
        return outcome;
    }

    /**
     * Records consecutive events, in their order, in ONE transaction (group commit: a commit per event is what
     * limits intake on a ledger that syncs every commit): each readable event's rows, dead letters, gap
     * re-reads, catch-up requests and guard tallies as {@link #record} would, each {@link UnreadableEvent} as a
     * dead letter, and the checkpoint moved to the last event. Either all of it commits or none of it: if
     * anything fails, nothing of the group is recorded and the checkpoint stays, and the route records the events
     * one by one ({@link #recordOne}) so that one bad event does not hold the others back.
     *
     * @param events {@link ContactChangeEvent}s and {@link UnreadableEvent}s, oldest first
     * @return what was recorded, summed over the events
     */
    public RecordingOutcome recordGroup(List<ReceivedEvent> events) {
        if (events.isEmpty()) {
            return new RecordingOutcome(0, 0, 0, true);
        }
        recovery.checkNotHalted();
        List<RecordingOutcome> outcomes = writes.inTransaction(() -> {
            List<RecordingOutcome> each = new ArrayList<>(events.size());
            Instant lastCommit = null;
            for (ReceivedEvent event : events) {
                if (event instanceof ContactChangeEvent change) {
                    each.add(recordInTransaction(change));
                    lastCommit = change.commitTimestamp();
                } else {
                    UnreadableEvent unreadable = (UnreadableEvent) event;
                    Instant from = lastCommit != null ? lastCommit
                            : checkpoints.find(topic).map(c -> c.commitTimestamp()).orElse(null);
                    deadLetters.record(ROUTE_ID, UNDECODABLE + unreadable.reason(), rawText(unreadable.payload()),
                            unreadable.eventId(), unreadable.replayId(), null, from);
                    each.add(null);
                }
            }
            // A null commit time (the last events unreadable) keeps the stored one (see ReplayCheckpoints.advance).
            checkpoints.advance(topic, events.get(events.size() - 1).replayId(), lastCommit);
            CrashPoints.reach("intake");
            return each;
        });
        groupsCommitted.increment();
        int recorded = 0;
        int duplicates = 0;
        int invalid = 0;
        boolean ignored = true;
        for (int i = 0; i < events.size(); i++) {
            RecordingOutcome outcome = outcomes.get(i);
            if (outcome == null) {
                undecodableEvents.increment();
                continue;
            }
            count(outcome, ((ContactChangeEvent) events.get(i)).isGap());
            recorded += outcome.recorded();
            duplicates += outcome.duplicates();
            invalid += outcome.invalidIds();
            ignored &= outcome.ignored();
        }
        return new RecordingOutcome(recorded, duplicates, invalid, ignored);
    }

    /**
     * Records one event of a group that could not be recorded whole, in a transaction of its own with the
     * checkpoint, as intake did before group commit: a readable event by {@link #record}, an unreadable one as a
     * dead letter. A failure here goes to the route's per-event retries and then to the dead letters.
     */
    public RecordingOutcome recordOne(ReceivedEvent event) {
        if (event instanceof ContactChangeEvent change) {
            return record(change);
        }
        UnreadableEvent unreadable = (UnreadableEvent) event;
        recordUnprocessable(unreadable.payload(), unreadable.eventId(), unreadable.replayId(),
                new UndecodableEventException(unreadable.reason()));
        return new RecordingOutcome(0, 0, 0, false);
    }

    /** Rows, dead letters, gap re-reads or catch-up request of one event; joins the caller's transaction. */
    private RecordingOutcome recordInTransaction(ContactChangeEvent event) {
        if (OVERFLOW.equals(event.changeType())) {
            catchUps.request(event.commitTimestamp(), "GAP_OVERFLOW event " + event.eventId()
                    + " (a transaction too large for change events)");
            return new RecordingOutcome(0, 0, 0, false);
        }
        if (event.isGap()) {
            gapRequeries.queue(event);
            return new RecordingOutcome(0, 0, 0, false);
        }
        return event.optOutChange().map(optedOut -> recordEach(event, optedOut))
                .orElse(new RecordingOutcome(0, 0, 0, true));
    }

    /**
     * Keeps an event this service could not read or record, raw, with the reason, and moves the checkpoint
     * past it so intake goes on; an operator can replay it from the dead letters.
     */
    public void recordUnprocessable(Object payload, String eventId, String replayId, Throwable cause) {
        recovery.checkNotHalted();
        boolean undecodable = cause instanceof UndecodableEventException;
        String reason = (undecodable ? UNDECODABLE : "could not record event: ") + cause.getMessage();
        try {
            writes.inTransaction(() -> {
                Instant from = checkpoints.find(topic).map(c -> c.commitTimestamp()).orElse(null);
                deadLetters.record(ROUTE_ID, reason, rawText(payload), eventId, replayId, null, from);
                if (replayId != null) {
                    checkpoints.advance(topic, replayId, null);
                }
                return null;
            });
        } catch (RuntimeException e) {
            // Neither recorded nor a dead letter: going on would let the next commit pass it. See IntakeRecovery.
            recovery.halt(eventId, e);
            throw e;
        }
        (undecodable ? undecodableEvents : meters.counter("optout.intake.events", "outcome", "failed")).increment();
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
        int recorded = optedOut ? ledger.recordAll(changes)
                : guard.recordOptIns(GuardedTransaction.of(event), changes);
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
        if (payload instanceof UnreadableEvent unreadable) {
            return rawText(unreadable.payload());
        }
        if (payload instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        return String.valueOf(payload);
    }
}
