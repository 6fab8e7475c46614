package edu.cu.ecomm.optout.ledger;

import java.time.Instant;

/**
 * A change about to be recorded: what intake (or a catch-up, gap re-read or audit) learned about one contact.
 * {@code eventId} plus {@code contactId} identify it, so recording it twice is a no-op.
 */
public record NewChange(
        String contactId,
        boolean optedOut,
        String changeType,
        Instant commitTimestamp,
        Long commitNumber,
        String transactionKey,
        Integer sequenceNumber,
        String eventId,
        String replayId,
        String changeOrigin,
        String commitUser,
        ChangeSource source) {
}
