package edu.cu.ecomm.optout.marketingcloud;

/**
 * A subscriber as one Marketing Cloud business unit sees it.
 *
 * @param subscriberKey the 18-character Salesforce Contact id
 * @param mid           the business unit's MID ({@code Client.ID})
 * @param status        Active, Bounced, Held, Unsubscribed or Deleted, as Marketing Cloud spells it
 * @param emailAddress  the address Marketing Cloud holds, may be null
 */
public record SubscriberStatus(String subscriberKey, long mid, String status, String emailAddress) {
}
