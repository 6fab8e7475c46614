package edu.cu.ecomm.optout.audit;

/** What the audit makes of a discrepancy. */
public enum DiscrepancyStatus {
    /** A disagreement to correct (optout.audit.correct=false, or Salesforce lacks the contact). */
    OPEN,
    /** A change carrying Salesforce's value is in the ledger for the next nightly batch. */
    CORRECTED,
    /** The contact has a change on its way to CU Ascend (not yet delivered): not a disagreement, never corrected. */
    IN_FLIGHT,
    /** The contact's latest change is held for review or was rejected by an admin: never corrected. */
    HELD
}
