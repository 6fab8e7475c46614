package edu.cu.ecomm.optout.ledger;

/** How a change reached the ledger. */
public enum ChangeSource {
    /** A Change Data Capture event from the Pub/Sub API. */
    CDC,
    /** A contact re-read over REST after a gap event. */
    GAP_REQUERY,
    /** A difference found by a catch-up query. */
    CATCHUP,
    /** A correction from the parity audit. */
    AUDIT
}
