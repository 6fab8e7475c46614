package edu.cu.ecomm.optout.ledger;

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
     * Replays an open letter. On success it becomes REPLAYED with what was done; when the replay fails again it
     * stays OPEN and the outcome says why.
     */
    public Outcome replay(long id) {
        DeadLetter letter = letters.find(id).orElse(null);
        if (letter == null) {
            return new Outcome(id, false, "no dead letter " + id);
        }
        if (!State.OPEN.name().equals(letter.state())) {
            return new Outcome(id, false, "dead letter " + id + " is already " + letter.state());
        }
        DeadLetterReplayer replayer = replayers.stream().filter(r -> r.handles(letter)).findFirst().orElse(null);
        if (replayer == null) {
            return new Outcome(id, false, "nothing can replay letters of route " + letter.routeId()
                    + "; fix the cause and discard it");
        }
        String done;
        try {
            done = replayer.replay(letter);
        } catch (RuntimeException e) {
            LOG.warn("Replay of dead letter {} failed: {}", id, e.toString());
            return new Outcome(id, false, "replay failed, letter stays open: " + e.getMessage());
        }
        boolean resolved = letters.resolve(id, State.REPLAYED, done);
        LOG.info("Dead letter {} replayed: {}", id, done);
        return new Outcome(id, resolved, done);
    }

    /** Discards an open letter with the operator's note (why nothing needs doing). */
    public Outcome discard(long id, String note) {
        String resolution = "discarded" + (note == null || note.isBlank() ? "" : ": " + note);
        boolean resolved = letters.resolve(id, State.DISCARDED, resolution);
        if (resolved) {
            LOG.info("Dead letter {} {}", id, resolution);
        }
        return new Outcome(id, resolved, resolved ? resolution : "dead letter " + id + " is not open");
    }
}
