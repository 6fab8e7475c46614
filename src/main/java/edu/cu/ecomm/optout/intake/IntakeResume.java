package edu.cu.ecomm.optout.intake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import edu.cu.ecomm.optout.ledger.KnownValues;
import edu.cu.ecomm.optout.ledger.LedgerWrites;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints.Checkpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Where the intake subscription starts, decided once at start-up from the stored checkpoint:
 * <ul>
 * <li>a checkpoint within the retention window ({@code optout.intake.retention}, Salesforce keeps events 72
 *     hours): CUSTOM, after the checkpoint's replay id;</li>
 * <li>a checkpoint older than that: its events are gone, so LATEST, plus a catch-up from the checkpoint's
 *     commit time that covers the hole;</li>
 * <li>no checkpoint and nothing known (first start): LATEST, plus the initial snapshot of every contact;</li>
 * <li>no checkpoint but values known (started before, no event recorded since): LATEST, plus a catch-up from
 *     when intake first started watching (its first snapshot or catch-up request).</li>
 * </ul>
 * The catch-up or snapshot is asked for durably before the subscription opens, so a crash cannot skip it.
 */
@Component("intakeResume")
public class IntakeResume {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeResume.class);

    /** The subscription's starting point: {@code replayId} is set for CUSTOM only. */
    public record StartingPoint(String replayPreset, String replayId, String why) {
    }

    private final ReplayCheckpoints checkpoints;
    private final KnownValues known;
    private final CatchUps catchUps;
    private final LedgerWrites writes;
    private final Clock clock;
    private final String topic;
    private final Duration retention;
    private StartingPoint decided;
    private String decidedOn;
    private boolean started;

    public IntakeResume(ReplayCheckpoints checkpoints, KnownValues known, CatchUps catchUps, LedgerWrites writes,
                        Clock clock, @Value("${optout.intake.topic}") String topic,
                        @Value("${optout.intake.retention:PT72H}") Duration retention) {
        this.checkpoints = checkpoints;
        this.known = known;
        this.catchUps = catchUps;
        this.writes = writes;
        this.clock = clock;
        this.topic = topic;
        this.retention = retention;
    }

    /** Decided on first use (when the route is built), and kept until {@link #forStart()} decides again. */
    public synchronized StartingPoint startingPoint() {
        if (decided == null) {
            decided = writes.inTransaction(this::decide);
            LOG.info("Intake subscribes to {} at {}{}: {}", topic, decided.replayPreset(),
                    decided.replayId() == null ? "" : " after replay id " + decided.replayId(), decided.why());
        }
        return decided;
    }

    /**
     * The starting point for this start of the subscription, called right before each start of the consumer. The
     * first start uses the start-up decision while the stored checkpoint is still the one it was made on (so its
     * catch-up is not asked for twice); any later start (intake resumed by an admin) and a first start after the
     * checkpoint moved (this node taking intake over from a cluster leader) decide again from the checkpoint
     * stored now.
     */
    public synchronized StartingPoint forStart() {
        String storedNow = checkpoints.find(topic).map(Checkpoint::replayId).orElse(null);
        boolean firstStartOnDecision = decided != null && !started && Objects.equals(storedNow, decidedOn);
        started = true;
        if (!firstStartOnDecision) {
            decided = null;
        }
        return startingPoint();
    }

    private StartingPoint decide() {
        Optional<Checkpoint> stored = checkpoints.find(topic);
        decidedOn = stored.map(Checkpoint::replayId).orElse(null);
        if (stored.isEmpty()) {
            if (known.none() && !catchUps.snapshotRequested()) {
                catchUps.requestSnapshot("first start: no checkpoint and no known values");
                // The snapshot seeds contacts unchanged since now; changes made while the subscription opens are this one's.
                catchUps.requestAfterResubscribe(clock.instant(), "first start: changes made while intake subscribed");
                return new StartingPoint("LATEST", null, "first start; the initial snapshot seeds the known values");
            }
            // Values are known but no event was recorded yet (a quiet org, a pause, a fail-over, a halt on the first
            // event): changes made while intake was down reach it by no event. A catch-up from when intake first
            // started watching covers them; it records only what differs, so the wide window costs reads only.
            Optional<Instant> watchingSince = catchUps.firstRequestedAt();
            if (watchingSince.isEmpty()) {
                return new StartingPoint("LATEST", null, "no checkpoint stored yet and no record of when intake"
                        + " first started; catch up by hand from the time it did");
            }
            catchUps.requestAfterResubscribe(watchingSince.get(), "no checkpoint yet: changes since intake first"
                    + " started watching at " + watchingSince.get() + "; subscribed at LATEST");
            return new StartingPoint("LATEST", null, "no checkpoint stored yet; a catch-up from "
                    + watchingSince.get() + ", when intake first started watching, covers the time it was down");
        }
        Checkpoint checkpoint = stored.get();
        Instant last = checkpoint.commitTimestamp() != null ? checkpoint.commitTimestamp() : checkpoint.updatedAt();
        Instant oldestRetained = clock.instant().minus(retention);
        if (last.isBefore(oldestRetained)) {
            catchUps.requestAfterResubscribe(last, "checkpoint from " + last + " is older than the " + retention
                    + " retention window; subscribed at LATEST");
            return new StartingPoint("LATEST", null, "checkpoint from " + last + " is older than the retention window "
                    + retention + "; a catch-up from then covers the hole");
        }
        return new StartingPoint("CUSTOM", checkpoint.replayId(), "resuming after the stored checkpoint");
    }
}
