package edu.cu.ecomm.optout.ledger;

import java.time.Instant;

/**
 * One contact's Email Opt Out change as the ledger holds it.
 *
 * @param id              ledger id, increasing in recording order
 * @param contactId       18-character Salesforce Contact id
 * @param optedOut        the new Email Opt Out value
 * @param direction       OPT_OUT or OPT_IN, derived from {@code optedOut}
 * @param changeType      the CDC change type (CREATE, UPDATE, GAP_UPDATE, …) or the source's own
 * @param commitTimestamp when Salesforce committed the change
 * @param transactionKey  Salesforce transaction, shared by every contact the transaction touched
 * @param sequenceNumber  order of the change within its transaction
 * @param changeOrigin    the API client that made it, e.g. {@code com/salesforce/api/rest/64.0}
 * @param commitUser      the Salesforce user who made it
 * @param source          how it reached the ledger
 * @param state           where it is on its way to CU Ascend
 */
public record ContactChange(
        long id,
        String contactId,
        boolean optedOut,
        Direction direction,
        String changeType,
        Instant commitTimestamp,
        String transactionKey,
        Integer sequenceNumber,
        String changeOrigin,
        String commitUser,
        ChangeSource source,
        ChangeState state) {
}
