package edu.cu.ecomm.optout.audit;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import edu.cu.ecomm.optout.intake.BulkQueries;
import edu.cu.ecomm.optout.intake.SalesforceIds;
import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.ledger.SqlTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The parity audit's steps, called in order by the route {@code parity-audit}; each takes and returns the run's
 * id and can be repeated (a retried step starts over cleanly):
 * <ol>
 * <li>{@link #start}: a new audit on the newest staged CU Ascend export;</li>
 * <li>{@link #readSalesforce}: every contact's Id and HasOptedOutOfEmail through a Bulk API 2.0 query job, read as
 *     a stream and staged in chunks;</li>
 * <li>{@link #compare}: the comparison in SQL ({@link AuditComparison});</li>
 * <li>{@link #correct}: with {@code optout.audit.correct=true}, the corrections ({@link AuditCorrections});</li>
 * <li>{@link #writeReport}, then the route delivers the files and calls {@link #reported}.</li>
 * </ol>
 * A failure ends in {@link #failed} (audit FAILED, a dead letter) once the route's retries are spent.
 */
@Component("parityAudit")
public class ParityAudit {

    private static final Logger LOG = LoggerFactory.getLogger(ParityAudit.class);
    static final String SOQL = "SELECT Id, HasOptedOutOfEmail FROM Contact";
    static final String ROUTE_ID = "parity-audit";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final BulkQueries bulk;
    private final AscendExports exports;
    private final AuditComparison comparison;
    private final AuditCorrections corrections;
    private final AuditReport report;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final boolean correct;
    private final int chunkSize;
    private final BulkQueries.Settings bulkSettings;
    private final Duration maxExportAge;
    private final Duration abandonAfter;
    private final int keepAudits;

    public ParityAudit(JdbcTemplate jdbc, TransactionTemplate transactions, BulkQueries bulk, AscendExports exports,
                       AuditComparison comparison, AuditCorrections corrections, AuditReport report,
                       DeadLetters deadLetters, Clock clock,
                       @Value("${optout.audit.correct:false}") boolean correct,
                       @Value("${optout.audit.chunk-size:1000}") int chunkSize,
                       @Value("${optout.audit.salesforce.page-size:50000}") int pageSize,
                       @Value("${optout.audit.salesforce.poll-interval:PT5S}") Duration pollInterval,
                       @Value("${optout.audit.salesforce.timeout:PT2H}") Duration timeout,
                       @Value("${optout.audit.max-export-age:P8D}") Duration maxExportAge,
                       @Value("${optout.audit.abandon-after:PT6H}") Duration abandonAfter,
                       @Value("${optout.audit.keep-audits:3}") int keepAudits) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.bulk = bulk;
        this.exports = exports;
        this.comparison = comparison;
        this.corrections = corrections;
        this.report = report;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.correct = correct;
        this.chunkSize = chunkSize;
        this.bulkSettings = new BulkQueries.Settings(pageSize, pollInterval, timeout);
        this.maxExportAge = maxExportAge;
        this.abandonAfter = abandonAfter;
        if (keepAudits < 0) {
            throw new IllegalArgumentException("optout.audit.keep-audits must be 0 or more, not " + keepAudits);
        }
        this.keepAudits = keepAudits;
    }

    /** True while an audit runs, on this instance or another sharing the database. */
    public boolean isRunning() {
        return runningAudit().isPresent();
    }

    private record RunningAudit(long id, Instant startedAt, String trigger) {
    }

    private Optional<RunningAudit> runningAudit() {
        return jdbc.query("select id, started_at, trigger_name from parity_audit where running_slot is not null",
                (rs, n) -> new RunningAudit(rs.getLong("id"), SqlTime.instant(rs, "started_at"),
                        rs.getString("trigger_name"))).stream().findFirst();
    }

    /**
     * The export an audit would compare with now: the newest staged one, unless it is older than
     * {@code optout.audit.max-export-age}. CU Ascend sends one a week; comparing with an old one would report every
     * change delivered since as a disagreement, so a missing export stops the audit with the reason instead.
     *
     * @throws AuditNotStartedException when no export has been staged, or the newest is too old
     */
    public AscendExports.Export exportToAudit() {
        AscendExports.Export export = exports.newestStaged().orElseThrow(() -> new AuditNotStartedException(
                "no CU Ascend export has been staged yet (files are picked up from optout.audit.inbound)"));
        if (export.receivedAt().isBefore(clock.instant().minus(maxExportAge))) {
            throw new AuditNotStartedException("the newest CU Ascend export (" + export.fileName() + ", received "
                    + export.receivedAt() + ") is older than optout.audit.max-export-age (" + inWords(maxExportAge)
                    + "); has CU Ascend's export stopped arriving in optout.audit.inbound?");
        }
        return export;
    }

    /** "8 days", "6 hours" or "30 minutes" rather than Duration's "PT192H", "PT6H" or "PT30M". */
    static String inWords(Duration duration) {
        if (duration.toSeconds() % 86_400 == 0) {
            return duration.toDays() + " days";
        }
        if (duration.toSeconds() % 3_600 == 0) {
            return duration.toHours() + " hours";
        }
        return duration.toSeconds() % 60 == 0 ? duration.toMinutes() + " minutes" : duration.toString();
    }

    /**
     * Starts an audit of the newest staged export.
     *
     * @param trigger SCHEDULE or OPERATOR
     * @return the audit's id
     * @throws AuditNotStartedException when an audit is running already, or there is no export to audit
     *                                  ({@link #exportToAudit})
     */
    public long start(String trigger) {
        // Before the export check: a start refused for a missing or old export still frees a dead audit's slot,
        // or that audit would show RUNNING, and refuse every later start, until a new export arrived.
        abandonStale();
        AscendExports.Export export = exportToAudit();
        long auditId;
        try {
            // Taking the slot and clearing earlier values commit together: a failed delete must not leave this
            // audit RUNNING with the slot, since the route cannot fail an audit whose id it never received.
            auditId = transactions.execute(status -> {
                GeneratedKeyHolder keys = new GeneratedKeyHolder();
                jdbc.update(connection -> {
                    PreparedStatement insert = connection.prepareStatement("insert into parity_audit (started_at,"
                            + " state, trigger_name, export_id, ascend_count, running_slot)"
                            + " values (?, 'RUNNING', ?, ?, ?, 1)", new String[] {"id"});
                    insert.setObject(1, toSql(clock.instant()));
                    insert.setString(2, trigger == null ? "OPERATOR" : trigger);
                    insert.setLong(3, export.id());
                    insert.setLong(4, export.values() == null ? 0 : export.values());
                    return insert;
                }, keys);
                long id = keys.getKey().longValue();
                // Salesforce values of earlier audits are no longer needed: their discrepancies and figures are kept.
                jdbc.update("delete from audit_salesforce_value where audit_id <> ?", id);
                purgeDiscrepancies();
                return id;
            });
        } catch (DuplicateKeyException slotTaken) {
            throw new AuditNotStartedException(runningAudit().map(audit -> "audit " + audit.id() + " (" + audit.trigger()
                    + ", started " + audit.startedAt() + ") is still running, on this instance or another; it is"
                    + " taken as abandoned " + inWords(abandonAfter) + " after its start (optout.audit.abandon-after)")
                    .orElse("another audit started at the same moment"));
        }
        LOG.info("Parity audit {} started ({}) on CU Ascend export {} ({}, {} contacts, {} bad rows)", auditId,
                trigger, export.id(), export.fileName(), export.values(), export.badRows());
        return auditId;
    }

    /**
     * Run as an audit starts: keeps the discrepancies of the newest {@code optout.audit.keep-audits} earlier audits
     * that found any, so with the starting audit's own there are one more until the next start; older audits keep
     * only their figures (parity_audit). They are the bulk of an audit, some 200,000 rows a week at a million
     * contacts, and are read only by that audit's corrections and report. Counting only audits that found any, an
     * audit that failed before comparing never pushes out the last comparison's list.
     */
    private void purgeDiscrepancies() {
        List<Long> older = jdbc.queryForList("select distinct audit_id from parity_discrepancy order by audit_id desc"
                + " offset ? rows", Long.class, keepAudits);
        if (!older.isEmpty()) {
            int purged = jdbc.update("delete from parity_discrepancy where audit_id <= ?", older.get(0));
            LOG.info("Discrepancies of {} earlier parity audit(s) purged ({} rows; optout.audit.keep-audits = {})",
                    older.size(), purged, keepAudits);
        }
    }

    /**
     * An audit still holding the slot long after its start lost its instance mid-run (a crash, a redeploy); it
     * would otherwise block every later audit. The Bulk API wait alone is bounded by optout.audit.salesforce.timeout,
     * so abandon-after is set well beyond a real audit's length. Each start calls it first, as does JMX
     * Audit.runAuditNow before it checks whether an audit runs; the update commits on its own.
     */
    public void abandonStale() {
        Instant now = clock.instant();
        int abandoned = jdbc.update("update parity_audit set state = 'FAILED', running_slot = null, completed_at = ?,"
                        + " error = ? where running_slot is not null and started_at < ?", toSql(now),
                "abandoned: still running " + inWords(abandonAfter) + " after its start (its instance stopped?)",
                toSql(now.minus(abandonAfter)));
        if (abandoned > 0) {
            LOG.warn("{} parity audit(s) taken as abandoned and marked FAILED: running for more than {}"
                    + " (optout.audit.abandon-after)", abandoned, inWords(abandonAfter));
        }
    }

    /** An audit that could not start (another is running, no export yet): a dead letter for an operator. */
    public void notStarted(Exception exception) {
        LOG.warn("Parity audit not run: {}", exception.getMessage());
        deadLetters.record(ROUTE_ID, "Parity audit not run: " + exception.getMessage(), null, null, null, null);
    }

    /** Reads every contact's Email Opt Out from Salesforce with a Bulk API 2.0 query job, staging it in chunks. */
    public long readSalesforce(long auditId) {
        // A whole Bulk API job for an audit taken as abandoned would be wasted: compare would stop it anyway.
        requireSlot(auditId);
        jdbc.update("delete from audit_salesforce_value where audit_id = ?", auditId);
        Instant readAt = clock.instant();
        AtomicLong contacts = new AtomicLong();
        String jobId = bulk.query(SOQL, bulkSettings, (header, rows) -> contacts.addAndGet(stage(auditId, header, rows)));
        jdbc.update("update parity_audit set salesforce_job_id = ?, salesforce_read_at = ?, salesforce_count = ?"
                + " where id = ?", jobId, toSql(readAt), contacts.get(), auditId);
        LOG.info("Parity audit {}: {} Salesforce contact(s) read (Bulk API 2.0 query job {})", auditId, contacts.get(), jobId);
        return auditId;
    }

    private long stage(long auditId, List<String> header, Iterator<List<String>> rows) {
        int id = header.indexOf("Id");
        int optOut = header.indexOf("HasOptedOutOfEmail");
        if (id < 0 || optOut < 0) {
            throw new IllegalStateException("Bulk API results lack Id or HasOptedOutOfEmail: " + header);
        }
        long staged = 0;
        List<Object[]> chunk = new ArrayList<>(chunkSize);
        while (rows.hasNext()) {
            List<String> fields = rows.next();
            String contactId = SalesforceIds.toContactId18(fields.get(id)).orElseThrow(
                    () -> new IllegalStateException("not a Contact id in Bulk API results: " + fields.get(id)));
            chunk.add(new Object[] {auditId, contactId, Boolean.parseBoolean(fields.get(optOut))});
            if (chunk.size() == chunkSize) {
                staged += insert(chunk);
            }
        }
        return staged + insert(chunk);
    }

    private int insert(List<Object[]> chunk) {
        int size = chunk.size();
        if (size > 0) {
            transactions.executeWithoutResult(status -> jdbc.batchUpdate(
                    "insert into audit_salesforce_value (audit_id, contact_id, opted_out) values (?, ?, ?)", chunk));
            chunk.clear();
        }
        return size;
    }

    /** Compares the staged sides in SQL and records the figures. */
    public long compare(long auditId) {
        requireSlot(auditId);
        long exportId = exportOf(auditId);
        transactions.executeWithoutResult(status -> comparison.compare(auditId, exportId));
        updateFigures(auditId, "COMPARED");
        AuditFigures figures = find(auditId).orElseThrow();
        LOG.info("Parity audit {}: {} disagreement(s) (opted out in Salesforce only {}, in CU Ascend only {}; in"
                        + " Salesforce only {}, in CU Ascend only {}); {} in flight, {} held", auditId,
                figures.discrepancies(), figures.optedOutInSalesforceOnly(), figures.optedOutInAscendOnly(),
                figures.inSalesforceOnly(), figures.inAscendOnly(), figures.inFlight(), figures.held());
        return auditId;
    }

    /** With optout.audit.correct=true, records the corrections for the next nightly batch. */
    public long correct(long auditId) {
        requireSlot(auditId);
        if (!correct) {
            return auditId;
        }
        Instant readAt = jdbc.queryForObject("select salesforce_read_at from parity_audit where id = ?",
                (rs, n) -> SqlTime.instant(rs, "salesforce_read_at"), auditId);
        long recorded = corrections.correct(auditId, exportOf(auditId), readAt, chunkSize);
        updateFigures(auditId, "COMPARED");
        LOG.info("Parity audit {}: {} correction(s) recorded for the next CU Ascend batch", auditId, recorded);
        return auditId;
    }

    public AuditReport.Files writeReport(long auditId) {
        requireSlot(auditId);
        AuditReport.Files files = report.write(find(auditId).orElseThrow());
        jdbc.update("update parity_audit set report_file = ? where id = ?", files.csvName(), auditId);
        return files;
    }

    /**
     * Lets an audit go on to its next step only while it holds the running slot.
     *
     * @throws AuditAbandonedException when it no longer does: it was taken as abandoned while its instance was away,
     *                                 and the next audit has started
     */
    private void requireSlot(long auditId) {
        if (runningAudit().filter(audit -> audit.id() == auditId).isEmpty()) {
            throw new AuditAbandonedException(auditId);
        }
    }

    /** An abandoned audit that came back was stopped: it stays FAILED, and a dead letter tells an operator. */
    public void stoppedAsAbandoned(Long auditId, Exception exception) {
        LOG.warn(exception.getMessage());
        deadLetters.record(ROUTE_ID, exception.getMessage(), "parity_audit " + auditId, null, null, null);
    }

    /** The report is delivered: the audit is complete. */
    public void reported(long auditId) {
        int reported = jdbc.update("update parity_audit set state = 'REPORTED', completed_at = ?, running_slot = null"
                + " where id = ? and running_slot is not null", toSql(clock.instant()), auditId);
        if (reported == 0) {
            // Taken as abandoned between writing its report and now; the report was made while it held the slot.
            LOG.warn("Parity audit {} was reported after it had been taken as abandoned; it stays FAILED", auditId);
            return;
        }
        LOG.info("Parity audit {} reported", auditId);
    }

    /**
     * The audit failed after the route's retries: FAILED, and a dead letter for an operator. When its report was
     * written, the delivery failed: the letter says so, and replaying it delivers that report
     * ({@link AuditReportReplay}).
     */
    public void failed(Long auditId, Exception exception) {
        String reason = "Parity audit " + (auditId == null ? "" : auditId + " ") + "failed: " + exception;
        LOG.error(reason, exception);
        // One transaction: whoever sees the audit FAILED (JMX LastRunState) finds its letter too.
        transactions.executeWithoutResult(status -> {
            if (auditId != null) {
                jdbc.update("update parity_audit set state = 'FAILED', error = ?, completed_at = ?, running_slot = null"
                        + " where id = ?", AscendExports.abbreviate(String.valueOf(exception), 4000),
                        toSql(clock.instant()), auditId);
            }
            String replay = auditId == null ? "" : undeliveredReport(auditId).map(csvName -> "; its report " + csvName
                    + " and its totals stay in optout.audit.staging-dir: replay this letter to deliver it").orElse("");
            deadLetters.record(ROUTE_ID, reason + replay, auditId == null ? null : "parity_audit " + auditId, null,
                    null, null);
        });
    }

    /** The report of a FAILED audit that wrote one: its delivery failed (file name of its CSV). */
    public Optional<String> undeliveredReport(long auditId) {
        return jdbc.queryForList("select report_file from parity_audit where id = ? and state = 'FAILED'"
                + " and report_file is not null", String.class, auditId).stream().findFirst();
    }

    /**
     * An undelivered report was delivered when an operator replayed the audit's dead letter: the audit, whose
     * comparison was done, is REPORTED; its error is the letter's to keep.
     */
    public void reportedOnReplay(long auditId) {
        if (jdbc.update("update parity_audit set state = 'REPORTED', completed_at = ?, error = null where id = ?"
                + " and state = 'FAILED'", toSql(clock.instant()), auditId) == 1) {
            LOG.info("Parity audit {} reported on the replay of its dead letter", auditId);
        }
    }

    /** The newest audit, whatever its state. */
    public Optional<AuditFigures> last() {
        return jdbc.query(FIGURES + " order by a.id desc limit 1",
                ParityAudit::toFigures).stream().findFirst();
    }

    /** The newest audit whose comparison is done (its figures are the service's current view). */
    public Optional<AuditFigures> lastCompared() {
        return jdbc.query(FIGURES + " where a.state in ('COMPARED', 'REPORTED') order by a.id desc limit 1",
                ParityAudit::toFigures).stream().findFirst();
    }

    public Optional<AuditFigures> find(long auditId) {
        return jdbc.query(FIGURES + " where a.id = ?", ParityAudit::toFigures, auditId).stream().findFirst();
    }

    private long exportOf(long auditId) {
        return jdbc.queryForObject("select export_id from parity_audit where id = ?", Long.class, auditId);
    }

    private void updateFigures(long auditId, String state) {
        Map<DiscrepancyKind, Map<DiscrepancyStatus, Long>> counts = comparison.counts(auditId);
        long inFlight = 0;
        long held = 0;
        long corrected = 0;
        long[] disagreements = new long[DiscrepancyKind.values().length];
        for (var kind : counts.entrySet()) {
            Map<DiscrepancyStatus, Long> byStatus = kind.getValue();
            disagreements[kind.getKey().ordinal()] = byStatus.getOrDefault(DiscrepancyStatus.OPEN, 0L)
                    + byStatus.getOrDefault(DiscrepancyStatus.CORRECTED, 0L);
            inFlight += byStatus.getOrDefault(DiscrepancyStatus.IN_FLIGHT, 0L);
            held += byStatus.getOrDefault(DiscrepancyStatus.HELD, 0L);
            corrected += byStatus.getOrDefault(DiscrepancyStatus.CORRECTED, 0L);
        }
        // Only while it holds the slot: an audit taken as abandoned during its comparison or corrections is FAILED,
        // and writing its figures would turn it back into COMPARED.
        int updated = jdbc.update("""
                update parity_audit set state = ?, opted_out_salesforce_only = ?, opted_out_ascend_only = ?,
                    in_salesforce_only = ?, in_ascend_only = ?, in_flight = ?, held = ?, corrected = ?
                where id = ? and running_slot is not null
                """, state, disagreements[DiscrepancyKind.OPTED_OUT_IN_SALESFORCE_ONLY.ordinal()],
                disagreements[DiscrepancyKind.OPTED_OUT_IN_ASCEND_ONLY.ordinal()],
                disagreements[DiscrepancyKind.IN_SALESFORCE_ONLY.ordinal()],
                disagreements[DiscrepancyKind.IN_ASCEND_ONLY.ordinal()], inFlight, held, corrected, auditId);
        if (updated == 0) {
            throw new AuditAbandonedException(auditId);
        }
    }

    private static final String FIGURES = """
            select a.*, e.file_name, e.bad_row_count from parity_audit a
            left join ascend_export e on e.id = a.export_id""";

    private static AuditFigures toFigures(ResultSet rs, int n) throws SQLException {
        return new AuditFigures(rs.getLong("id"), SqlTime.instant(rs, "started_at"), SqlTime.instant(rs, "completed_at"),
                rs.getString("state"), rs.getString("trigger_name"), rs.getObject("export_id", Long.class),
                rs.getString("file_name"), rs.getString("salesforce_job_id"), rs.getLong("salesforce_count"),
                rs.getLong("ascend_count"), rs.getLong("opted_out_salesforce_only"), rs.getLong("opted_out_ascend_only"),
                rs.getLong("in_salesforce_only"), rs.getLong("in_ascend_only"), rs.getLong("in_flight"),
                rs.getLong("held"), rs.getLong("corrected"), rs.getLong("bad_row_count"), rs.getString("report_file"),
                rs.getString("error"));
    }
}
