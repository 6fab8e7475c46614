package edu.cu.ecomm.optout.audit;

import java.time.Instant;

/**
 * One audit run as recorded: when, on which export, what it found. The per-kind counts are disagreements
 * (OPEN or CORRECTED); contacts with a change in flight or held are counted apart and in no kind.
 */
public record AuditFigures(long id, Instant startedAt, Instant completedAt, String state, String trigger,
                           Long exportId, String exportFile, String salesforceJobId, long salesforceContacts,
                           long ascendContacts, long optedOutInSalesforceOnly, long optedOutInAscendOnly,
                           long inSalesforceOnly, long inAscendOnly, long inFlight, long held, long corrected,
                           long exportBadRows, String reportFile, String error) {

    /** Disagreements of every kind. */
    public long discrepancies() {
        return optedOutInSalesforceOnly + optedOutInAscendOnly + inSalesforceOnly + inAscendOnly;
    }
}
