package edu.cu.ecomm.optout.ledger;

import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;

/**
 * Knows how to replay the dead letters of one flow. The flow that wrote a letter provides it (intake does for
 * {@code contact-changes}), so the ledger needs no knowledge of Salesforce.
 */
public interface DeadLetterReplayer {

    /** True when this replayer handles letters like {@code letter}. */
    boolean handles(DeadLetter letter);

    /**
     * Does again what failed, now.
     *
     * @return what was done, for the letter's resolution
     * @throws RuntimeException when it fails again; the letter stays open
     */
    String replay(DeadLetter letter);
}
