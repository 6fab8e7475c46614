package edu.cu.ecomm.optout.emulator.marketingcloud;

import java.time.Instant;

/**
 * A subscriber as one business unit of the emulated account holds it.
 *
 * @param id               Marketing Cloud's numeric subscriber id ({@code ID})
 * @param mid              the business unit ({@code Client.ID})
 * @param subscriberKey    the 18-character Salesforce Contact id
 * @param emailAddress     may be null
 * @param status           Active, Bounced, Held, Unsubscribed or Deleted
 * @param createdDate      when the subscriber was created
 * @param unsubscribedDate when the status last became Unsubscribed; null otherwise
 */
public record EmulatedSubscriber(long id, long mid, String subscriberKey, String emailAddress, String status,
                                 Instant createdDate, Instant unsubscribedDate) {
}
