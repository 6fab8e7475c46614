package edu.cu.ecomm.optout.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import edu.cu.ecomm.optout.ledger.DeadLetters.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What an operator does with dead letters: list them, replay one (do again what failed, through the flow that
 * wrote it), or discard one with a note. Each outcome is written on the letter (state, resolved at, resolution),
 * so the table is also the record of what was done. {@code ops.DeadLettersMBean} offers it over JMX.
 */
@Component("deadLetterService")
public class DeadLetterService {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterService.class);

    /** The result of a replay or discard, for the operator. */
    public record Outcome(long id, boolean resolved, String message) {
    }

    /**
     * How old a replay's claim on its letter must be before another replay may take it: the claim of an instance
     * that stopped mid-replay. Well beyond the longest replay (a Salesforce re-read, a sheet, a report's delivery
     * take seconds to a few minutes), so a replay still running is never run a second time alongside.
     */
    static final Duration STALE_REPLAY_AFTER = Duration.ofMinutes(15);

    private final DeadLetters letters;
    private final List<DeadLetterReplayer> replayers;

    public DeadLetterService(DeadLetters letters, List<DeadLetterReplayer> replayers) {
        this.letters = letters;
        this.replayers = replayers;
    }

    /** Open letters, oldest first. */
    public List<DeadLetter> open() {
        return letters.open();
    }

    /** Letters in {@code state}, or all of them when null, oldest first. */
    public List<DeadLetter> list(State state) {
        return letters.list(state);
    }

    public Optional<DeadLetter> find(long id) {
        return letters.find(id);
    }

    /**
     * Replays an open letter. The replay first claims the letter (REPLAYING), so that a second replay asked for
     * meanwhile, from another JMX client or node, is refused rather than doing the work twice. On success the
     * letter becomes REPLAYED with what was done; when the replay fails again it is OPEN again and the outcome says
     * why. A claim left by an instance that stopped mid-replay is taken over after {@link #STALE_REPLAY_AFTER}.
     */
    public Outcome replay(long id) {
        DeadLetter letter = letters.find(id).orElse(null);
        if (letter == null) {
            return new Outcome(id, false, "no dead letter " + id);
        }
        if (!State.OPEN.name().equals(letter.state()) && !State.REPLAYING.name().equals(letter.state())) {
            return new Outcome(id, false, "dead letter " + id + " is already " + letter.state());
        }
        DeadLetterReplayer replayer = replayers.stream().filter(r -> r.handles(letter)).findFirst().orElse(null);
        if (replayer == null) {
            return new Outcome(id, false, "nothing can replay letters of route " + letter.routeId()
                    + "; fix the cause and discard it");
        }
        Optional<Instant> claim = letters.claimForReplay(id, STALE_REPLAY_AFTER);
        if (claim.isEmpty()) {
            return notClaimed(id);
        }
        String done;
        try {
            done = replayer.replay(letter);
        } catch (RuntimeException e) {
            letters.releaseClaim(id, claim.get());
            LOG.warn("Replay of dead letter {} failed: {}", id, e.toString());
            return new Outcome(id, false, "replay failed, letter stays open: " + e.getMessage());
        }
        if (!letters.replayed(id, claim.get(), done)) {
            LOG.warn("Dead letter {} replayed ({}), but its claim had been taken over as stale meanwhile", id, done);
            return new Outcome(id, false, "replayed (" + done + "), but another replay took the letter over as stale"
                    + " meanwhile; see its state");
        }
        LOG.info("Dead letter {} replayed: {}", id, done);
        return new Outcome(id, true, done);
    }

    /** Why a replay could not claim its letter: another replay holds it, or it was resolved meanwhile. */
    private Outcome notClaimed(long id) {
        DeadLetter now = letters.find(id).orElseThrow();
        if (State.REPLAYING.name().equals(now.state())) {
            return new Outcome(id, false, "dead letter " + id + " is being replayed (since " + now.replayClaimedAt()
                    + "); try again once that replay has finished");
        }
        return new Outcome(id, false, "dead letter " + id + " is already " + now.state());
    }

    /**
     * Discards an open letter with the operator's note (why nothing needs doing); not one being replayed, unless
     * its replay was cut short (claimed more than {@link #STALE_REPLAY_AFTER} ago).
     */
    public Outcome discard(long id, String note) {
        String resolution = "discarded" + (note == null || note.isBlank() ? "" : ": " + note);
        boolean resolved = letters.resolve(id, State.DISCARDED, resolution, STALE_REPLAY_AFTER);
        if (resolved) {
            LOG.info("Dead letter {} {}", id, resolution);
        }
        return new Outcome(id, resolved, resolved ? resolution
                : "dead letter " + id + " is not open" + letters.find(id).map(l -> " (" + l.state() + ")").orElse(""));
    }
}
