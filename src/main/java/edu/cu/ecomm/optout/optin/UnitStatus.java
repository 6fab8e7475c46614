package edu.cu.ecomm.optout.optin;

/**
 * What one business unit says about one subscriber.
 *
 * @param unit   the business unit
 * @param status Marketing Cloud's status (Active, Bounced, Held, Unsubscribed, Deleted) or {@code NOT_FOUND}
 * @param colour the shirt colour of that status
 * @param email  the address Marketing Cloud holds there, may be null
 */
public record UnitStatus(BusinessUnit unit, String status, ShirtColour colour, String email) {
}
