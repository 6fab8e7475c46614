package edu.cu.ecomm.optout.optout;

/** Why a contact's email-preference categories are listed on the weekly sheet. */
public enum WarningKind {
    /** After an opt-out, Salesforce should have cleared every category; these are still ticked. */
    PREFERENCES_NOT_CLEARED,
    /** After an opt-in, the specialist should re-tick the categories; none is ticked. */
    NO_CATEGORY_RECHECKED
}
