package edu.cu.ecomm.optout.ops;

/** What an operator does with one dead letter. */
public interface DeadLetterActions {

    /** Processes the dead letter again; @return the outcome in words. */
    String replay(long id);

    /** Marks the dead letter as dealt with, without processing it; @return the outcome in words. */
    String discard(long id, String note);
}
