package edu.cu.ecomm.optout.intake;

import java.time.Instant;

/**
 * A contact's Email Opt Out as Salesforce has it now, read over REST or Bulk API.
 *
 * @param contactId      18-character Contact id
 * @param optedOut       HasOptedOutOfEmail
 * @param systemModstamp when the contact last changed in any way (the time its value has held since, at most)
 */
public record ContactValue(String contactId, boolean optedOut, Instant systemModstamp) {
}
