package edu.cu.ecomm.optout.delivery;

import java.time.Instant;

import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.Direction;

/**
 * A contact's final Email Opt Out value within a batch: the last of its changes by commit time, then
 * transaction order, then ledger order.
 *
 * @param contactId 18-character Salesforce Contact id
 * @param optedOut  the final Email Opt Out value
 * @param direction OPT_OUT or OPT_IN of that final change
 * @param changedAt its commit time
 * @param source    how that change reached the ledger
 * @param changeId  its ledger id
 */
public record CollapsedChange(String contactId, boolean optedOut, Direction direction, Instant changedAt,
                              ChangeSource source, long changeId) {
}
