package edu.cu.ecomm.optout.ledger;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The last Email Opt Out value the service knows for each contact: its latest ledger row (in the order the
 * nightly batch collapses them: commit time, then sequence, then id), else its {@code contact_state} row (seeded
 * by the initial snapshot and by catch-ups that saw a contact for the first time). Catch-ups and gap re-reads
 * compare Salesforce against this.
 */
@Component("knownValues")
public class KnownValues {

    /** Contacts per SQL {@code IN} list. */
    static final int CHUNK = 500;

    /**
     * @param optedOut        the value
     * @param commitTimestamp when Salesforce committed it; null when it comes from {@code contact_state}
     * @param source          how the ledger learned it; null when it comes from {@code contact_state}
     */
    public record Known(boolean optedOut, Instant commitTimestamp, ChangeSource source) {

        public boolean fromLedger() {
            return source != null;
        }
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public KnownValues(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The known value of each of {@code contactIds} that has one. */
    public Map<String, Known> of(Collection<String> contactIds) {
        Map<String, Known> known = new HashMap<>();
        List<String> ids = new ArrayList<>(contactIds);
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            String in = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
            jdbc.query("select contact_id, opted_out, updated_at from contact_state where contact_id in (" + in + ")",
                    rs -> {
                        known.put(rs.getString("contact_id"), new Known(rs.getBoolean("opted_out"), null, null));
                    }, chunk.toArray());
            // Ordered as the batch collapses them, so the last row per contact wins.
            jdbc.query("select contact_id, opted_out, commit_timestamp, source from contact_change where contact_id in ("
                    + in + ") order by contact_id, commit_timestamp, sequence_number, id", rs -> {
                        known.put(rs.getString("contact_id"), new Known(rs.getBoolean("opted_out"),
                                SqlTime.instant(rs, "commit_timestamp"), ChangeSource.valueOf(rs.getString("source"))));
                    }, chunk.toArray());
        }
        return known;
    }

    /**
     * Remembers values without recording a change (first sight of a contact, initial snapshot), each as held
     * since {@code since} (Salesforce's SystemModstamp); never replaces a newer remembered value, the same rule
     * as the nightly batch's. Joins the caller's transaction.
     */
    public void remember(Map<String, Boolean> valuesByContact, Map<String, Instant> since) {
        if (valuesByContact.isEmpty()) {
            return;
        }
        List<Object[]> rows = new ArrayList<>();
        valuesByContact.forEach((id, optedOut) -> {
            Object at = toSql(since.getOrDefault(id, clock.instant()));
            rows.add(new Object[] {optedOut, at, id, at});
        });
        int[] updated = jdbc.batchUpdate("update contact_state set opted_out = ?, updated_at = ? where contact_id = ?"
                + " and updated_at <= ?", rows);
        List<String> notUpdated = new ArrayList<>();
        for (int i = 0; i < updated.length; i++) {
            if (updated[i] == 0) {
                notUpdated.add((String) rows.get(i)[2]);
            }
        }
        if (notUpdated.isEmpty()) {
            return;
        }
        java.util.Set<String> missing = new java.util.HashSet<>(notUpdated);
        java.util.Set<String> present = new java.util.HashSet<>();
        for (int from = 0; from < notUpdated.size(); from += CHUNK) {
            List<String> chunk = notUpdated.subList(from, Math.min(notUpdated.size(), from + CHUNK));
            present.addAll(jdbc.queryForList("select contact_id from contact_state where contact_id in ("
                    + String.join(",", java.util.Collections.nCopies(chunk.size(), "?")) + ")", String.class,
                    chunk.toArray()));
        }
        List<Object[]> inserts = new ArrayList<>();
        for (Object[] row : rows) {
            if (missing.contains((String) row[2]) && !present.contains((String) row[2])) {
                inserts.add(new Object[] {row[2], row[0], row[1]});
            }
        }
        if (!inserts.isEmpty()) {
            jdbc.batchUpdate("insert into contact_state (contact_id, opted_out, updated_at) values (?, ?, ?)", inserts);
        }
    }

    /** True when the service knows no value at all: no ledger row and no remembered state (a first start). */
    public boolean none() {
        return !Boolean.TRUE.equals(jdbc.queryForObject(
                "select exists (select 1 from contact_change) or exists (select 1 from contact_state)", Boolean.class));
    }
}
