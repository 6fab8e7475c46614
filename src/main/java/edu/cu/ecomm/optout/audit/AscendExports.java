package edu.cu.ecomm.optout.audit;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.ledger.SqlTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stages CU Ascend's opt-out exports into the database for the parity audit: the file is read as a stream
 * ({@link AscendExportReader}) and its values and bad rows are written in chunks with batch inserts, so memory
 * stays bounded whatever the file's size. Once read, a contact id already seen on an earlier line is moved to
 * the bad rows (the first line counts) — in SQL, not in memory. The export is then STAGED, and the newest
 * staged export is the one the next audit uses. A file that cannot be audited at all is REJECTED with the
 * reason and a dead letter; the route moves it to the failed folder, where a replay of the letter finds it
 * ({@link AscendExportReplay}). A staging that fails for another reason (the
 * database away) leaves the export FAILED with the reason and without its partial rows; the route retries the file.
 * A staging cut short by a crash leaves its export RECEIVING: each staging first marks FAILED, without its rows, an
 * export with nothing written for {@code optout.audit.abandon-staging-after} ({@link #abandonStale}).
 */
@Component("ascendExports")
public class AscendExports {

    private static final Logger LOG = LoggerFactory.getLogger(AscendExports.class);
    static final String ROUTE_ID = "ascend-export-intake";

    /** An export as staged. */
    public record Export(long id, String fileName, java.time.Instant receivedAt, String state, Long values,
                         Long badRows, String error) {
    }

    /** A line of an export that could not be audited. */
    public record BadRow(long line, String reason, String content) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final String contactIdColumn;
    private final String optOutColumn;
    private final int chunkSize;
    private final int keepExports;
    private final Duration abandonStagingAfter;

    public AscendExports(JdbcTemplate jdbc, TransactionTemplate transactions, DeadLetters deadLetters, Clock clock,
                         @Value("${optout.audit.contact-id-column:ContactId}") String contactIdColumn,
                         @Value("${optout.audit.opt-out-column:EmailOptOut}") String optOutColumn,
                         @Value("${optout.audit.chunk-size:1000}") int chunkSize,
                         @Value("${optout.audit.keep-exports:3}") int keepExports,
                         @Value("${optout.audit.abandon-staging-after:PT30M}") Duration abandonStagingAfter) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.contactIdColumn = contactIdColumn;
        this.optOutColumn = optOutColumn;
        this.chunkSize = chunkSize;
        this.keepExports = keepExports;
        this.abandonStagingAfter = abandonStagingAfter;
    }

    /**
     * Stages one export file (UTF-8).
     *
     * @param movedName the file's name once the route moved it to .done or .failed; a rejection's dead letter names
     *                  it, so that a replay finds the file in .failed
     * @throws AscendExportRejectedException when the file cannot be audited at all (recorded, with a dead letter)
     */
    public Export stage(InputStream file, String fileName, String movedName) {
        abandonStale();
        long exportId = insertExport(fileName);
        try {
            stageRows(exportId, file, fileName, movedName);
        } catch (AscendExportRejectedException e) {
            throw e;
        } catch (RuntimeException e) {
            discard(exportId, fileName, e);
            throw e;
        }
        Export export = find(exportId).orElseThrow();
        LOG.info("CU Ascend export {} staged as export {}: {} contact(s), {} bad row(s)", fileName, exportId,
                export.values(), export.badRows());
        return export;
    }

    private void stageRows(long exportId, InputStream file, String fileName, String movedName) {
        Chunks chunks = new Chunks(exportId);
        try {
            new AscendExportReader(contactIdColumn, optOutColumn)
                    .read(new InputStreamReader(file, StandardCharsets.UTF_8), chunks);
            chunks.flush();
        } catch (AscendExportRejectedException e) {
            reject(exportId, fileName, movedName, e.getMessage());
            throw e;
        }
        transactions.executeWithoutResult(status -> {
            // A contact seen on an earlier line: this line is a bad row, the first one counts.
            jdbc.update("""
                    insert into ascend_export_bad_row (export_id, line_number, reason, content)
                    select v.export_id, v.line_number, concat('duplicate contact id ', v.contact_id, ', first on line ',
                           cast((select min(f.line_number) from ascend_export_value f
                                 where f.export_id = v.export_id and f.contact_id = v.contact_id) as varchar(20))), null
                    from ascend_export_value v
                    where v.export_id = ? and exists (select 1 from ascend_export_value e where e.export_id = v.export_id
                          and e.contact_id = v.contact_id and e.line_number < v.line_number)
                    """, exportId);
            jdbc.update("""
                    delete from ascend_export_value v where v.export_id = ? and exists (select 1 from ascend_export_value e
                    where e.export_id = v.export_id and e.contact_id = v.contact_id and e.line_number < v.line_number)
                    """, exportId);
            long values = jdbc.queryForObject("select count(*) from ascend_export_value where export_id = ?", Long.class, exportId);
            long bad = jdbc.queryForObject("select count(*) from ascend_export_bad_row where export_id = ?", Long.class, exportId);
            int staged = jdbc.update("update ascend_export set state = 'STAGED', value_count = ?, bad_row_count = ?,"
                    + " staged_at = ? where id = ? and state = 'RECEIVING'", values, bad, toSql(clock.instant()), exportId);
            if (staged == 0) {
                throw takenAsAbandoned(exportId);
            }
            // In the same transaction: a failing purge must not leave a STAGED export that the retry stages again.
            purgeOlderThanNewest(keepExports);
        });
    }

    /**
     * Marks FAILED, and empties, each export still RECEIVING with nothing written for abandon-staging-after: its
     * staging was cut short (a crash, a redeploy, or the database away even for {@link #discard}), and its partial
     * rows would otherwise stay for good. A crash never moves the file, so it is picked up and staged again as a new
     * export. The bound counts from the last chunk written, not the start, so a long file still being staged, here or
     * on another node (the leader before a take-over), is never taken for dead.
     */
    public void abandonStale() {
        Instant now = clock.instant();
        String reason = "abandoned: nothing written for " + ParityAudit.inWords(abandonStagingAfter) + " while it was"
                + " staged (its instance stopped?); the file is staged again when it is picked up again";
        List<Long> stale = jdbc.queryForList("select id from ascend_export where state = 'RECEIVING'"
                + " and last_written_at < ?", Long.class, toSql(now.minus(abandonStagingAfter)));
        for (long exportId : stale) {
            transactions.executeWithoutResult(status -> {
                // Checked again in the update: a chunk written since the query keeps the export.
                if (jdbc.update("update ascend_export set state = 'FAILED', error = ? where id = ?"
                        + " and state = 'RECEIVING' and last_written_at < ?", reason, exportId,
                        toSql(now.minus(abandonStagingAfter))) == 1) {
                    jdbc.update("delete from ascend_export_value where export_id = ?", exportId);
                    jdbc.update("delete from ascend_export_bad_row where export_id = ?", exportId);
                    LOG.warn("CU Ascend export {} was still RECEIVING with nothing written for {}"
                            + " (optout.audit.abandon-staging-after): marked FAILED and its partial rows removed",
                            exportId, ParityAudit.inWords(abandonStagingAfter));
                }
            });
        }
    }

    private IllegalStateException takenAsAbandoned(long exportId) {
        return new IllegalStateException("CU Ascend export " + exportId + " was taken as abandoned while it was staged"
                + " (nothing written for longer than optout.audit.abandon-staging-after); the file is staged anew");
    }

    /**
     * A staging that failed for another reason (the database away): the export becomes FAILED with the reason and
     * its partial rows go, so no RECEIVING export is left behind; the route's retry stages the file as a new export.
     * Should the database still be away, the export stays RECEIVING with what was written, until
     * {@link #abandonStale}.
     */
    private void discard(long exportId, String fileName, RuntimeException failure) {
        try {
            transactions.executeWithoutResult(status -> {
                jdbc.update("delete from ascend_export_value where export_id = ?", exportId);
                jdbc.update("delete from ascend_export_bad_row where export_id = ?", exportId);
                jdbc.update("update ascend_export set state = 'FAILED', error = ? where id = ?",
                        abbreviate(String.valueOf(failure), 4000), exportId);
            });
        } catch (RuntimeException cleanUp) {
            failure.addSuppressed(cleanUp);
        }
        LOG.warn("CU Ascend export {} (export {}) could not be staged: {}", fileName, exportId, failure.toString());
    }

    /**
     * A file that failed for another reason (after the retries): an operator sees it in the dead letters, whose
     * payload is the file's name in .failed ({@code movedName}). The route moves the file there only once this
     * letter is written; when the database refuses the letter too, the file stays in the inbound and is staged
     * again when it is picked up again.
     */
    public void failed(String fileName, String movedName, Exception exception) {
        try {
            deadLetters.record(ROUTE_ID, "CU Ascend export " + fileName + " could not be staged: "
                    + abbreviate(String.valueOf(exception), 2000) + keptAs(movedName), movedName, null, null, null);
        } catch (RuntimeException letterRefused) {
            LOG.error("CU Ascend export {} could not be staged, nor its dead letter written ({}); the file stays in"
                    + " the inbound and is staged again when it is picked up again", fileName, letterRefused.toString(),
                    exception);
            throw letterRefused;
        }
        LOG.error("CU Ascend export {} could not be staged; moved to .failed/{}", fileName, movedName, exception);
    }

    /** What a letter of this route says about its file, and what a replay does with it. */
    private static String keptAs(String movedName) {
        return "; the file is kept as .failed/" + movedName + ": once the cause is fixed, replay this letter to move it"
                + " back to the inbound (by hand when the inbound is not a folder)";
    }

    /** The newest export the audit can use. */
    public Optional<Export> newestStaged() {
        return jdbc.query("select * from ascend_export where state = 'STAGED' order by id desc limit 1",
                (rs, n) -> toExport(rs)).stream().findFirst();
    }

    /** The newest export received, staged or not (an operator checks whether the last file was rejected). */
    public Optional<Export> newest() {
        return jdbc.query("select * from ascend_export order by id desc limit 1", (rs, n) -> toExport(rs))
                .stream().findFirst();
    }

    public Optional<Export> find(long id) {
        return jdbc.query("select * from ascend_export where id = ?", (rs, n) -> toExport(rs), id).stream().findFirst();
    }

    /** The export's bad rows in line order, at most {@code limit}. */
    public List<BadRow> badRows(long exportId, int limit) {
        return jdbc.query("select line_number, reason, content from ascend_export_bad_row where export_id = ?"
                        + " order by line_number limit ?",
                (rs, n) -> new BadRow(rs.getLong(1), rs.getString(2), rs.getString(3)), exportId, limit);
    }

    private long insertExport(String fileName) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.update(connection -> {
            PreparedStatement insert = connection.prepareStatement(
                    "insert into ascend_export (file_name, received_at, state, last_written_at)"
                            + " values (?, ?, 'RECEIVING', ?)", new String[] {"id"});
            insert.setString(1, abbreviate(fileName == null ? "(unnamed)" : fileName, 255));
            insert.setObject(2, toSql(clock.instant()));
            insert.setObject(3, toSql(clock.instant()));
            return insert;
        }, keys);
        return keys.getKey().longValue();
    }

    private void reject(long exportId, String fileName, String movedName, String reason) {
        transactions.executeWithoutResult(status -> {
            jdbc.update("delete from ascend_export_value where export_id = ?", exportId);
            jdbc.update("delete from ascend_export_bad_row where export_id = ?", exportId);
            jdbc.update("update ascend_export set state = 'REJECTED', error = ? where id = ?",
                    abbreviate(reason, 4000), exportId);
            deadLetters.record(ROUTE_ID, "CU Ascend export " + fileName + " rejected: " + abbreviate(reason, 2000)
                    + keptAs(movedName), movedName, null, null, null);
        });
        LOG.error("CU Ascend export {} rejected (moved to .failed/{}): {}", fileName, movedName, reason);
    }

    /** Keeps the values of the newest {@code keep} staged exports; older ones keep only their figures. */
    private void purgeOlderThanNewest(int keep) {
        List<Long> old = jdbc.queryForList("select id from ascend_export where state = 'STAGED' order by id desc"
                + " offset ? rows", Long.class, keep);
        for (long id : old) {
            jdbc.update("delete from ascend_export_value where export_id = ?", id);
            jdbc.update("update ascend_export set state = 'PURGED' where id = ?", id);
        }
    }

    private static Export toExport(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Export(rs.getLong("id"), rs.getString("file_name"), SqlTime.instant(rs, "received_at"),
                rs.getString("state"), (Long) rs.getObject("value_count", Long.class),
                (Long) rs.getObject("bad_row_count", Long.class), rs.getString("error"));
    }

    static String abbreviate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    /** Collects the reader's findings and writes them a chunk at a time, each chunk in one transaction. */
    private final class Chunks implements AscendExportReader.Sink {
        private final long exportId;
        private final List<Object[]> values = new ArrayList<>();
        private final List<Object[]> badRows = new ArrayList<>();

        Chunks(long exportId) {
            this.exportId = exportId;
        }

        @Override
        public void value(long line, String contactId, boolean optedOut) {
            values.add(new Object[] {exportId, line, contactId, optedOut});
            if (values.size() >= chunkSize) {
                flush();
            }
        }

        @Override
        public void badRow(long line, String reason, String content) {
            badRows.add(new Object[] {exportId, line, abbreviate(reason, 500), abbreviate(content, 1000)});
            if (badRows.size() >= chunkSize) {
                flush();
            }
        }

        void flush() {
            if (values.isEmpty() && badRows.isEmpty()) {
                return;
            }
            transactions.executeWithoutResult(status -> {
                if (!values.isEmpty()) {
                    jdbc.batchUpdate("insert into ascend_export_value (export_id, line_number, contact_id, opted_out)"
                            + " values (?, ?, ?, ?)", values);
                }
                if (!badRows.isEmpty()) {
                    jdbc.batchUpdate("insert into ascend_export_bad_row (export_id, line_number, reason, content)"
                            + " values (?, ?, ?, ?)", badRows);
                }
                // Shows this staging is alive; one taken as abandoned meanwhile stops here, the chunk rolled back.
                if (jdbc.update("update ascend_export set last_written_at = ? where id = ? and state = 'RECEIVING'",
                        toSql(clock.instant()), exportId) == 0) {
                    throw takenAsAbandoned(exportId);
                }
            });
            values.clear();
            badRows.clear();
        }
    }
}
