package edu.cu.ecomm.optout.optin;

import java.time.Instant;

/**
 * A subscriber to re-subscribe in one business unit, as the sheet and tickets show it.
 *
 * @param urgentReason CONTACT_FIELD or ESCALATED when urgent, else null
 * @param ticketReference the help-desk ticket's reference once sent, else null
 */
public record ResubscribeRequest(
        long id,
        Long changeId,
        String contactId,
        String contactName,
        String contactEmail,
        long mid,
        String unitName,
        String statusFound,
        ShirtColour colour,
        boolean urgent,
        String urgentReason,
        Instant openedAt,
        Instant lastCheckedAt,
        Instant exportedAt,
        Instant closedAt,
        String closeReason,
        String ticketReference,
        Instant ticketSentAt) {

    public boolean isOpen() {
        return closedAt == null;
    }
}
