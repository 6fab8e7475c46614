package edu.cu.ecomm.optout.delivery;

import java.time.Instant;
import java.util.UUID;

import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.NewChange;

/** Puts changes into the ledger the way intake and the opt-out/opt-in flows leave them: READY. */
final class ReadyChanges {

    private ReadyChanges() {
    }

    static long ready(ChangeLedger ledger, String contactId, boolean optedOut, Instant committed) {
        String event = UUID.randomUUID().toString();
        long id = ledger.record(new NewChange(contactId, optedOut, "UPDATE", committed, 1L, "tx-" + event, 1,
                event, null, "com/salesforce/api/rest/64.0", "005000000000001AAA", ChangeSource.CDC)).orElseThrow();
        ledger.markReady(id);
        return id;
    }
}
