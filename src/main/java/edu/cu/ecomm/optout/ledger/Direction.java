package edu.cu.ecomm.optout.ledger;

/** Which way a contact's Email Opt Out moved. */
public enum Direction {
    /** Email Opt Out became true: the contact asked for no email. */
    OPT_OUT,
    /** Email Opt Out became false: the contact asked to receive email again. */
    OPT_IN;

    public static Direction of(boolean optedOut) {
        return optedOut ? OPT_OUT : OPT_IN;
    }
}
