package edu.cu.ecomm.optout.audit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import edu.cu.ecomm.optout.delivery.CsvCells;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes an audit's report as two CSV files (RFC 4180, formulas neutralised, as every CSV the service writes):
 * <ul>
 * <li>{@code parity-audit-<yyyyMMdd-HHmmss>-<id>.csv}: one row per contact on which the systems disagree —
 *     {@code Kind,Status,ContactId,SalesforceEmailOptOut,AscendEmailOptOut,AscendLine,Reason} — by kind then
 *     contact id, then the export's bad rows (kind BAD_ROW, with line number and reason);</li>
 * <li>{@code parity-audit-<yyyyMMdd-HHmmss>-<id>-totals.csv}: {@code Item,Value} — the export used, the contacts
 *     compared, the total of each kind, in flight, held, corrected, bad rows. It is delivered last: its arrival says
 *     the report is complete.</li>
 * </ul>
 * Rows are streamed from the database to a file in the staging folder, never held in memory; the files are removed
 * from it once delivered ({@link #removeDelivered}).
 */
@Component("auditReport")
public class AuditReport {

    private static final Logger LOG = LoggerFactory.getLogger(AuditReport.class);

    /** The two files of one report. */
    public record Files(String csvName, Path csv, String totalsName, Path totals) {
    }

    static final List<String> HEADER = List.of("Kind", "Status", "ContactId", "SalesforceEmailOptOut",
            "AscendEmailOptOut", "AscendLine", "Reason");
    private static final int FETCH_SIZE = 2_000;

    private final JdbcTemplate streaming;
    private final TransactionTemplate transactions;
    private final Path stagingDir;
    private final DateTimeFormatter names;

    public AuditReport(DataSource dataSource, TransactionTemplate transactions,
                       @Value("${optout.audit.staging-dir:data/audit/staging}") Path stagingDir,
                       @Value("${optout.audit.time-zone:America/Denver}") ZoneId zone) {
        this.streaming = new JdbcTemplate(dataSource);
        this.streaming.setFetchSize(FETCH_SIZE);
        this.transactions = transactions;
        this.stagingDir = stagingDir;
        this.names = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(zone);
    }

    public Files write(AuditFigures audit) {
        Files files = staged("parity-audit-" + names.format(audit.startedAt()) + "-" + audit.id() + ".csv");
        try {
            java.nio.file.Files.createDirectories(stagingDir);
            try (Writer out = writer(files.csv())) {
                out.write(CsvCells.row(HEADER));
                transactions.executeWithoutResult(status -> {
                    streaming.query("""
                            select kind, status, contact_id, salesforce_opted_out, ascend_opted_out, ascend_line
                            from parity_discrepancy where audit_id = ? order by kind, contact_id
                            """, rs -> {
                        write(out, List.of(rs.getString(1), rs.getString(2), rs.getString(3),
                                bool(rs.getObject(4)), bool(rs.getObject(5)), text(rs.getObject(6)), reason(rs.getString(2))));
                    }, audit.id());
                    if (audit.exportId() != null) {
                        streaming.query("select line_number, reason, content from ascend_export_bad_row where export_id = ?"
                                + " order by line_number", rs -> {
                            String content = rs.getString(3);
                            write(out, List.of("BAD_ROW", "NOT_AUDITED", "", "", "", String.valueOf(rs.getLong(1)),
                                    rs.getString(2) + (content == null ? "" : " [" + content + "]")));
                        }, audit.exportId());
                    }
                });
            }
            try (Writer out = writer(files.totals())) {
                out.write(CsvCells.row(List.of("Item", "Value")));
                for (Map.Entry<String, String> item : totals(audit).entrySet()) {
                    out.write(CsvCells.row(List.of(item.getKey(), item.getValue())));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the parity audit report in " + stagingDir, e);
        }
        return files;
    }

    /** The two files of the report {@code csvName} (as recorded on the audit) in the staging folder. */
    public Files staged(String csvName) {
        String totalsName = csvName.replaceFirst("\\.csv$", "-totals.csv");
        return new Files(csvName, stagingDir.resolve(csvName), totalsName, stagingDir.resolve(totalsName));
    }

    /**
     * Removes a delivered report's two files from the staging folder: the endpoint has them, and the folder would
     * otherwise grow by a report every week. Never fails the audit: a file that cannot be removed is named in a
     * warning.
     */
    public void removeDelivered(Files files) {
        for (Path file : List.of(files.csv(), files.totals())) {
            try {
                java.nio.file.Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("Parity audit report delivered, but its staged file {} could not be removed ({})", file,
                        e.toString());
            }
        }
    }

    static Map<String, String> totals(AuditFigures audit) {
        Map<String, String> totals = new LinkedHashMap<>();
        totals.put("AuditId", String.valueOf(audit.id()));
        totals.put("StartedAt", String.valueOf(audit.startedAt()));
        totals.put("AscendExport", audit.exportFile());
        totals.put("SalesforceContacts", String.valueOf(audit.salesforceContacts()));
        totals.put("AscendContacts", String.valueOf(audit.ascendContacts()));
        totals.put(DiscrepancyKind.OPTED_OUT_IN_SALESFORCE_ONLY.name(), String.valueOf(audit.optedOutInSalesforceOnly()));
        totals.put(DiscrepancyKind.OPTED_OUT_IN_ASCEND_ONLY.name(), String.valueOf(audit.optedOutInAscendOnly()));
        totals.put(DiscrepancyKind.IN_SALESFORCE_ONLY.name(), String.valueOf(audit.inSalesforceOnly()));
        totals.put(DiscrepancyKind.IN_ASCEND_ONLY.name(), String.valueOf(audit.inAscendOnly()));
        totals.put("DISCREPANCIES", String.valueOf(audit.discrepancies()));
        totals.put(DiscrepancyStatus.IN_FLIGHT.name(), String.valueOf(audit.inFlight()));
        totals.put(DiscrepancyStatus.HELD.name(), String.valueOf(audit.held()));
        totals.put(DiscrepancyStatus.CORRECTED.name(), String.valueOf(audit.corrected()));
        totals.put("BAD_ROWS", String.valueOf(audit.exportBadRows()));
        return totals;
    }

    private static String reason(String status) {
        return switch (DiscrepancyStatus.valueOf(status)) {
            case OPEN -> "";
            case CORRECTED -> "Salesforce's value goes to CU Ascend in the next nightly batch";
            case IN_FLIGHT -> "a change is on its way to CU Ascend; not corrected";
            case HELD -> "the contact's change is held for review or was rejected; not corrected";
        };
    }

    private static void write(Writer out, List<String> cells) {
        try {
            out.write(CsvCells.row(new ArrayList<>(cells)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Writer writer(Path file) throws IOException {
        return new BufferedWriter(java.nio.file.Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    private static String bool(Object value) {
        return value == null ? "" : ((Boolean) value) ? "TRUE" : "FALSE";
    }

    private static String text(Object value) {
        return value == null ? "" : String.valueOf(value);
    }
}
