package edu.cu.ecomm.optout.ops;

import java.time.Instant;

/** Runs a catch-up: re-reads from Salesforce every contact changed since a time and records what was missed. */
public interface CatchUpRequests {

    /** @return what an operator reads back: queued, started, or why not */
    String catchUpFrom(Instant from, String reason);
}
