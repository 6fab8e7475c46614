package edu.cu.ecomm.optout.audit;

/** How Salesforce and CU Ascend disagree about one contact. */
public enum DiscrepancyKind {
    /** Opted out in Salesforce, not in CU Ascend's export. */
    OPTED_OUT_IN_SALESFORCE_ONLY,
    /** Opted out in CU Ascend's export, not in Salesforce. */
    OPTED_OUT_IN_ASCEND_ONLY,
    /** A Salesforce contact CU Ascend's export does not list. */
    IN_SALESFORCE_ONLY,
    /** A contact CU Ascend's export lists and Salesforce does not have (deleted, merged, or never there). */
    IN_ASCEND_ONLY;

    /** Salesforce, the system of record, has the contact: its value can be carried to CU Ascend. */
    public boolean correctable() {
        return this != IN_ASCEND_ONLY;
    }
}
