package edu.cu.ecomm.optout.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.LedgerWrites;
import edu.cu.ecomm.optout.ledger.NewChange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * With {@code optout.audit.correct=true}: each OPEN disagreement on a contact Salesforce has becomes a ledger
 * change (source AUDIT) carrying Salesforce's value — Salesforce is the system of record — into the next nightly
 * batch. Contacts in flight or held are never corrected, nor those only CU Ascend has.
 *
 * <p>Corrections enter the ledger as READY, not RECEIVED: the opt-out and opt-in flows react to a person's change
 * as it happens (preference-category warnings, Marketing Cloud look-ups, re-subscribe requests, urgent tickets).
 * An audit correction is no such change — the contact's own change was handled when it happened, or long ago —
 * it only brings CU Ascend's copy back to Salesforce's value; sending thousands of them through those flows would
 * fill the re-subscribe sheet and the help desk with requests nobody made.
 *
 * <p>Each correction's event id is derived from the export audited and the value carried
 * ({@code audit:<export id>:OPT_OUT|OPT_IN}), so auditing the same export again records nothing twice. Its commit
 * time is when Salesforce was read: a change Salesforce committed later (intake) is newer and wins the nightly
 * collapse.
 */
@Component("auditCorrections")
public class AuditCorrections {

    /** Origin written on the corrections. */
    static final String ORIGIN = "optout-sync/parity-audit";

    /** The kinds Salesforce has a value for ({@link DiscrepancyKind#correctable}), as an SQL list. */
    private static final String CORRECTABLE_KINDS = Arrays.stream(DiscrepancyKind.values())
            .filter(DiscrepancyKind::correctable).map(kind -> "'" + kind.name() + "'")
            .collect(Collectors.joining(", "));

    private final JdbcTemplate jdbc;
    private final ChangeLedger ledger;
    private final LedgerWrites writes;

    public AuditCorrections(JdbcTemplate jdbc, ChangeLedger ledger, LedgerWrites writes) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.writes = writes;
    }

    static String eventId(long exportId, boolean optedOut) {
        return "audit:" + exportId + ":" + (optedOut ? "OPT_OUT" : "OPT_IN");
    }

    /**
     * Records the corrections of audit {@code auditId}, {@code chunkSize} contacts per transaction.
     *
     * @return how many corrections were new (a rerun on the same export finds them recorded already)
     */
    public long correct(long auditId, long exportId, Instant salesforceReadAt, int chunkSize) {
        long recorded = 0;
        String after = "";
        while (true) {
            List<Object[]> chunk = jdbc.query("""
                    select contact_id, salesforce_opted_out from parity_discrepancy
                    where audit_id = ? and status = 'OPEN' and kind in (%s) and contact_id > ?
                    order by contact_id limit ?
                    """.formatted(CORRECTABLE_KINDS), (rs, n) -> new Object[] {rs.getString(1), rs.getBoolean(2)},
                    auditId, after, chunkSize);
            if (chunk.isEmpty()) {
                return recorded;
            }
            after = (String) chunk.get(chunk.size() - 1)[0];
            recorded += writes.inTransaction(() -> {
                List<NewChange> changes = new ArrayList<>(chunk.size());
                List<Object[]> marks = new ArrayList<>(chunk.size());
                for (Object[] row : chunk) {
                    String contactId = (String) row[0];
                    boolean optedOut = (Boolean) row[1];
                    changes.add(new NewChange(contactId, optedOut, "AUDIT", salesforceReadAt, null, null, null,
                            eventId(exportId, optedOut), null, ORIGIN, null, ChangeSource.AUDIT));
                    marks.add(new Object[] {auditId, contactId});
                }
                int added = ledger.recordAll(changes, ChangeState.READY);
                jdbc.batchUpdate("update parity_discrepancy set status = 'CORRECTED' where audit_id = ? and contact_id = ?",
                        marks);
                return (long) added;
            });
        }
    }
}
