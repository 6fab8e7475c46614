package edu.cu.ecomm.optout.ledger;

/** Where a recorded change is on its way to CU Ascend. */
public enum ChangeState {
    /** Recorded by intake; its opt-out or opt-in flow has not run yet. */
    RECEIVED,
    /** Its flow has run; waiting for the nightly batch. */
    READY,
    /** Claimed by a batch that is being delivered. */
    BATCHED,
    /** Part of a batch that CU Ascend accepted. */
    DELIVERED,
    /** Held for an admin's review (e.g. a mass opt-in from a data load). */
    HELD,
    /** Could not be processed; see the dead letters. */
    FAILED
}
