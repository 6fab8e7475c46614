package edu.cu.ecomm.optout.ops;

import java.time.Instant;

/** Runs a catch-up: re-reads from Salesforce every contact changed since a time and records what was missed. */
public interface CatchUpRequests {

    /** Runs the catch-up before it returns. @return what an operator reads back: what it found and recorded */
    String catchUpFrom(Instant from, String reason);
}
