package edu.cu.ecomm.optout.ledger;

/** Where a recorded change is on its way to CU Ascend. */
public enum ChangeState {
    /** Recorded by intake; its opt-out or opt-in flow has not run yet. */
    RECEIVED,
    /**
     * Its flow has run; waiting for the nightly batch. A batch's claim writes no per-change state (see
     * {@code delivery.BatchClaimer}): a change in a batch being delivered stays READY until the batch is marked.
     */
    READY,
    /** Part of a batch that CU Ascend accepted. */
    DELIVERED,
    /**
     * Held for an admin's review (an opt-in from a data load: see {@code intake.DataLoadGuard}); never dispatched
     * nor batched. Released, it becomes RECEIVED again; otherwise it ends REJECTED or SUPERSEDED.
     */
    HELD,
    /** A held opt-in an admin rejected: never delivered. */
    REJECTED,
    /**
     * A held opt-in released after the contact had a later change: never delivered, since CU Ascend must keep the
     * later value (the nightly batch collapses to each contact's latest change).
     */
    SUPERSEDED
}
