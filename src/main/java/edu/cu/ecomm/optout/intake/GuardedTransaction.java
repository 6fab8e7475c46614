package edu.cu.ecomm.optout.intake;

import java.time.Instant;

/**
 * What the data-load guard counts opt-ins under: one Salesforce transaction, however its opt-ins reach the ledger
 * — in its change events, or re-read after its gap events or when a dead letter of it is replayed (the letter keeps
 * the event's header, {@link DeadLetterTransaction}) — or one catch-up, which stands for the transactions whose
 * events were lost (a data load too large for change events, downtime beyond Salesforce's retention) and so counts
 * against a limit of its own.
 *
 * @param key          the tally's key, also written as the changes' {@code transaction_key} so that an admin can
 *                     release or reject a held transaction's opt-ins together
 * @param changeOrigin the transaction's CDC change origin, matched against the bulk origins; null when unknown
 * @param catchUp      counted against {@code optout.guard.max-catch-up-opt-ins}, not the per-transaction limit
 */
public record GuardedTransaction(String key, String changeOrigin, String commitUser, Instant commitTimestamp,
                                 boolean catchUp) {

    /** The transaction of a change event (for a gap event, the transaction its re-read contacts belong to). */
    public static GuardedTransaction of(ContactChangeEvent event) {
        return of(event.transactionKey(), event.eventId(), event.changeOrigin(), event.commitUser(),
                event.commitTimestamp());
    }

    /** An event's transaction; an event without a transaction key is a transaction of its own. */
    public static GuardedTransaction of(String transactionKey, String eventId, String changeOrigin, String commitUser,
                                        Instant commitTimestamp) {
        String key = transactionKey != null && !transactionKey.isEmpty() ? transactionKey : "event:" + eventId;
        return new GuardedTransaction(key, changeOrigin, commitUser, commitTimestamp, false);
    }

    /** A catch-up over everything changed since {@code from}: one unit, whatever transactions it stands for. */
    public static GuardedTransaction catchUp(Instant from) {
        return new GuardedTransaction("catch-up:" + from, ContactReconciler.ORIGIN, null, from, true);
    }
}
