package edu.cu.ecomm.optout.audit;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import edu.cu.ecomm.optout.ledger.ChangeState;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The comparison rules, in SQL over the staged values (Salesforce's {@code audit_salesforce_value}, CU Ascend's
 * {@code ascend_export_value}), so no side is held in memory:
 * <ul>
 * <li>both have the contact, values differ: OPTED_OUT_IN_SALESFORCE_ONLY or OPTED_OUT_IN_ASCEND_ONLY;</li>
 * <li>only Salesforce has it: IN_SALESFORCE_ONLY; only the export: IN_ASCEND_ONLY;</li>
 * <li>then, whatever the kind: a contact whose latest ledger change is held for review or rejected is HELD;
 *     otherwise one with any change not yet delivered (received, or ready, which includes one in a batch being
 *     delivered) is IN_FLIGHT — the nightly batch is about to settle it — and so is one whose change was delivered
 *     after the export arrived (the export cannot show it yet); neither is a disagreement to correct;</li>
 * <li>the rest are OPEN.</li>
 * </ul>
 */
@Component("auditComparison")
public class AuditComparison {

    /** Changes still on their way to CU Ascend. */
    static final List<String> IN_FLIGHT_STATES = List.of(ChangeState.RECEIVED.name(), ChangeState.READY.name());
    /** Changes an admin must review or has refused (the data-load guard): never corrected by an audit. */
    static final List<String> HELD_STATES = List.of(ChangeState.HELD.name(), ChangeState.REJECTED.name());

    private final JdbcTemplate jdbc;

    public AuditComparison(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Compares audit {@code auditId}'s Salesforce values with export {@code exportId}; returns the counts by kind and status. */
    public Map<DiscrepancyKind, Map<DiscrepancyStatus, Long>> compare(long auditId, long exportId) {
        jdbc.update("delete from parity_discrepancy where audit_id = ?", auditId);
        jdbc.update("""
                insert into parity_discrepancy (audit_id, contact_id, kind, status, salesforce_opted_out, ascend_opted_out,
                    ascend_line)
                select s.audit_id, s.contact_id,
                       case when s.opted_out then 'OPTED_OUT_IN_SALESFORCE_ONLY' else 'OPTED_OUT_IN_ASCEND_ONLY' end,
                       'OPEN', s.opted_out, a.opted_out, a.line_number
                from audit_salesforce_value s
                join ascend_export_value a on a.export_id = ? and a.contact_id = s.contact_id
                where s.audit_id = ? and s.opted_out <> a.opted_out
                """, exportId, auditId);
        jdbc.update("""
                insert into parity_discrepancy (audit_id, contact_id, kind, status, salesforce_opted_out, ascend_opted_out,
                    ascend_line)
                select s.audit_id, s.contact_id, 'IN_SALESFORCE_ONLY', 'OPEN', s.opted_out, cast(null as boolean),
                       cast(null as bigint)
                from audit_salesforce_value s
                where s.audit_id = ? and not exists (select 1 from ascend_export_value a
                      where a.export_id = ? and a.contact_id = s.contact_id)
                """, auditId, exportId);
        jdbc.update("""
                insert into parity_discrepancy (audit_id, contact_id, kind, status, salesforce_opted_out, ascend_opted_out,
                    ascend_line)
                select ?, a.contact_id, 'IN_ASCEND_ONLY', 'OPEN', cast(null as boolean), a.opted_out, a.line_number
                from ascend_export_value a
                where a.export_id = ? and not exists (select 1 from audit_salesforce_value s
                      where s.audit_id = ? and s.contact_id = a.contact_id)
                """, auditId, exportId, auditId);
        jdbc.update("update parity_discrepancy d set status = 'HELD' where d.audit_id = ? and exists ("
                + " select 1 from contact_change c where c.contact_id = d.contact_id and c.state in (" + in(HELD_STATES) + ")"
                + " and not exists (select 1 from contact_change n where n.contact_id = c.contact_id and n.id > c.id))",
                auditId);
        jdbc.update("update parity_discrepancy d set status = 'IN_FLIGHT' where d.audit_id = ? and d.status = 'OPEN'"
                + " and exists (select 1 from contact_change c where c.contact_id = d.contact_id and c.state in ("
                + in(IN_FLIGHT_STATES) + "))", auditId);
        // Delivered after CU Ascend's export arrived: the export cannot show it yet.
        jdbc.update("""
                update parity_discrepancy d set status = 'IN_FLIGHT' where d.audit_id = ? and d.status = 'OPEN'
                and exists (select 1 from contact_change c
                            join ascend_batch b on c.batch_id = cast(b.id as varchar(40))
                            join ascend_export e on e.id = ?
                            where c.contact_id = d.contact_id and c.state = 'DELIVERED' and b.delivered_at > e.received_at)
                """, auditId, exportId);
        return counts(auditId);
    }

    /** The audit's discrepancies counted by kind and status. */
    public Map<DiscrepancyKind, Map<DiscrepancyStatus, Long>> counts(long auditId) {
        Map<DiscrepancyKind, Map<DiscrepancyStatus, Long>> counts = new EnumMap<>(DiscrepancyKind.class);
        for (DiscrepancyKind kind : DiscrepancyKind.values()) {
            counts.put(kind, new EnumMap<>(DiscrepancyStatus.class));
        }
        jdbc.query("select kind, status, count(*) from parity_discrepancy where audit_id = ? group by kind, status",
                rs -> {
                    counts.get(DiscrepancyKind.valueOf(rs.getString(1)))
                            .put(DiscrepancyStatus.valueOf(rs.getString(2)), rs.getLong(3));
                }, auditId);
        return counts;
    }

    private static String in(List<String> states) {
        return states.stream().map(state -> "'" + state + "'").collect(Collectors.joining(", "));
    }
}
