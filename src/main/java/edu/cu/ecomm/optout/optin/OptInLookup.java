package edu.cu.ecomm.optout.optin;

/**
 * An opt-in claimed for its Marketing Cloud look-up.
 *
 * @param changeId  the ledger change
 * @param contactId the contact, also the subscriber key
 * @param attempts  how many times it has been claimed, this time included
 */
public record OptInLookup(long changeId, String contactId, int attempts) {
}
