package edu.cu.ecomm.optout.audit;

import static edu.cu.ecomm.optout.audit.AuditDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;

class AscendExportsTest {

    @AutoClose
    private final AuditDatabase db = new AuditDatabase();

    @Test
    void stagesValuesInChunksAndKeepsBadRowsWithLineNumbers() {
        StringBuilder csv = new StringBuilder("ContactId,EmailOptOut\n");
        for (int i = 1; i <= 7; i++) {
            csv.append(contact(i)).append(i % 2 == 0 ? ",TRUE\n" : ",FALSE\n");
        }
        csv.append("not-an-id,TRUE\n");

        AscendExports.Export export = db.stage(csv.toString());

        assertThat(export.state()).isEqualTo("STAGED");
        assertThat(export.values()).isEqualTo(7);
        assertThat(export.badRows()).isEqualTo(1);
        assertThat(db.exports.badRows(export.id(), 10)).singleElement()
                .satisfies(row -> assertThat(row.line()).isEqualTo(9));
        assertThat(db.exports.newestStaged()).hasValueSatisfying(e -> assertThat(e.id()).isEqualTo(export.id()));
    }

    @Test
    void aContactListedAgainIsABadRowAndItsFirstLineCounts() {
        String fifteen = contact(2).substring(0, 15);
        AscendExports.Export export = db.stage("ContactId,EmailOptOut\n"
                + contact(1) + ",TRUE\n" + contact(2) + ",FALSE\n" + contact(1) + ",FALSE\n" + fifteen + ",FALSE\n");

        assertThat(export.values()).isEqualTo(2);
        assertThat(db.exports.badRows(export.id(), 10)).extracting(AscendExports.BadRow::line, AscendExports.BadRow::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(4L, "duplicate contact id " + contact(1) + ", first on line 2"),
                        org.assertj.core.groups.Tuple.tuple(5L, "duplicate contact id " + contact(2) + ", first on line 3"));
        assertThat(db.jdbc.queryForObject("select opted_out from ascend_export_value where export_id = ? and contact_id = ?",
                Boolean.class, export.id(), contact(1))).isTrue();
    }

    @Test
    void aFileWithoutTheRequiredColumnsIsRejectedWithADeadLetterAndIsNeverAudited() {
        db.stage("ContactId,EmailOptOut\n" + contact(1) + ",TRUE\n");

        assertThatThrownBy(() -> db.stage("Id,OptOut\n" + contact(1) + ",TRUE\n"))
                .isInstanceOf(AscendExportRejectedException.class);

        assertThat(db.exports.newest()).hasValueSatisfying(export -> {
            assertThat(export.state()).isEqualTo("REJECTED");
            assertThat(export.error()).contains("lacks the column(s) ContactId and EmailOptOut");
        });
        assertThat(db.exports.newestStaged()).hasValueSatisfying(export -> assertThat(export.values()).isEqualTo(1));
        assertThat(db.deadLetters.open()).singleElement()
                .satisfies(letter -> assertThat(letter.reason()).contains("export.csv rejected"));
    }

    @Test
    void aStagingThatFailsPartWayIsFailedWithoutItsPartialRowsAndTheRetryStagesAnew() {
        AscendExports.Export earlier = db.stage("ContactId,EmailOptOut\n" + contact(1) + ",TRUE\n");
        StringBuilder csv = new StringBuilder("ContactId,EmailOptOut\n");
        for (int i = 1; i <= 7; i++) {
            csv.append(contact(i)).append(",TRUE\n");
        }
        // The first chunk (3 rows) is written, then the database goes away.
        JdbcTemplate failsOnSecondChunk = new JdbcTemplate(db.dataSource) {
            private int chunks;

            @Override
            public int[] batchUpdate(String sql, List<Object[]> batchArgs) {
                if (sql.startsWith("insert into ascend_export_value") && ++chunks == 2) {
                    throw new DataAccessResourceFailureException("connection lost");
                }
                return super.batchUpdate(sql, batchArgs);
            }
        };
        AscendExports failing = stagingWith(failsOnSecondChunk);

        assertThatThrownBy(() -> failing.stage(utf8(csv.toString()), "export.csv", "20261129-100000-export.csv"))
                .isInstanceOf(DataAccessResourceFailureException.class);

        AscendExports.Export failed = db.exports.newest().orElseThrow();
        assertThat(failed.id()).isGreaterThan(earlier.id());
        assertThat(failed.state()).isEqualTo("FAILED");
        assertThat(failed.error()).contains("connection lost");
        assertThat(db.jdbc.queryForObject("select count(*) from ascend_export_value where export_id = ?", Long.class,
                failed.id())).as("partial rows removed").isZero();
        assertThat(db.exports.newestStaged()).hasValueSatisfying(e -> assertThat(e.id()).isEqualTo(earlier.id()));

        AscendExports.Export retried = db.stage(csv.toString());
        assertThat(retried.values()).isEqualTo(7);
        assertThat(db.jdbc.queryForObject("select count(*) from ascend_export where state = 'RECEIVING'", Long.class))
                .isZero();
    }

    @Test
    void aStagingCutShortByACrashIsFailedWithoutItsRowsByTheNextStagingOnceNothingWasWrittenForTheBound() {
        AscendExports.Export earlier = db.stage("ContactId,EmailOptOut\n" + contact(1) + ",TRUE\n");
        String csv = sevenContacts();
        // The first chunk (3 rows) and a bad row are written, then the process dies: not even the clean-up runs.
        AscendExports dying = stagingWith(new JdbcTemplate(db.dataSource) {
            private int chunks;

            @Override
            public int[] batchUpdate(String sql, List<Object[]> batchArgs) {
                if (sql.startsWith("insert into ascend_export_value") && ++chunks == 2) {
                    throw new ProcessDeath();
                }
                return super.batchUpdate(sql, batchArgs);
            }
        });
        assertThatThrownBy(() -> dying.stage(utf8(csv.replaceFirst("\n", "\nnot-an-id,TRUE\n")), "export.csv",
                "20261129-100000-export.csv"))
                .isInstanceOf(ProcessDeath.class);
        AscendExports.Export cutShort = db.exports.newest().orElseThrow();
        assertThat(cutShort.state()).as("what the crash left").isEqualTo("RECEIVING");
        assertThat(rowsOf(cutShort.id())).isPositive();

        // The file was never moved to .done: it is picked up again, here once the bound has passed.
        db.clock.advance(Duration.ofMinutes(31));
        AscendExports.Export restaged = db.stage(csv);

        assertThat(db.exports.find(cutShort.id())).hasValueSatisfying(export -> {
            assertThat(export.state()).isEqualTo("FAILED");
            assertThat(export.error()).isEqualTo("abandoned: nothing written for 30 minutes while it was staged"
                    + " (its instance stopped?); the file is staged again when it is picked up again");
        });
        assertThat(rowsOf(cutShort.id())).as("partial values and bad rows removed").isZero();
        assertThat(restaged.state()).isEqualTo("STAGED");
        assertThat(restaged.values()).isEqualTo(7);
        assertThat(db.exports.find(earlier.id())).hasValueSatisfying(e -> assertThat(e.state()).isEqualTo("STAGED"));
    }

    @Test
    void aStagingStillWritingIsNotAbandonedByAnotherNodesStaging() {
        AscendExports.Export[] other = new AscendExports.Export[1];
        // Between two chunks of this staging, another node (the new leader) stages a file within the bound.
        AscendExports.Export slow = stagingWith(new JdbcTemplate(db.dataSource) {
            private int chunks;

            @Override
            public int[] batchUpdate(String sql, List<Object[]> batchArgs) {
                if (sql.startsWith("insert into ascend_export_value") && ++chunks == 2) {
                    db.clock.advance(Duration.ofMinutes(29));
                    other[0] = onAnotherNode(() -> db.stage("ContactId,EmailOptOut\n" + contact(9) + ",TRUE\n"));
                }
                return super.batchUpdate(sql, batchArgs);
            }
        }).stage(utf8(sevenContacts()), "slow.csv", "20261129-100000-slow.csv");

        assertThat(slow.state()).isEqualTo("STAGED");
        assertThat(slow.values()).isEqualTo(7);
        assertThat(other[0].state()).isEqualTo("STAGED");
    }

    @Test
    void aStagingTakenAsAbandonedStopsInsteadOfStagingPartOfTheFile() {
        // Between two chunks this staging stalls past the bound, and another node stages a file meanwhile.
        AscendExports stalling = stagingWith(new JdbcTemplate(db.dataSource) {
            private int chunks;

            @Override
            public int[] batchUpdate(String sql, List<Object[]> batchArgs) {
                if (sql.startsWith("insert into ascend_export_value") && ++chunks == 2) {
                    db.clock.advance(Duration.ofMinutes(31));
                    onAnotherNode(() -> db.stage("ContactId,EmailOptOut\n" + contact(9) + ",TRUE\n"));
                }
                return super.batchUpdate(sql, batchArgs);
            }
        });

        assertThatThrownBy(() -> stalling.stage(utf8(sevenContacts()), "stalled.csv", "20261129-100000-stalled.csv"))
                .hasMessageContaining("was taken as abandoned");

        long stalled = db.jdbc.queryForObject("select id from ascend_export where file_name = 'stalled.csv'", Long.class);
        assertThat(db.exports.find(stalled)).hasValueSatisfying(export -> assertThat(export.state()).isEqualTo("FAILED"));
        assertThat(rowsOf(stalled)).as("no part of the file staged").isZero();
        assertThat(db.exports.newestStaged()).hasValueSatisfying(e -> assertThat(e.values()).isEqualTo(1));
    }

    @Test
    void onlyTheNewestExportsKeepTheirValues() {
        for (int i = 0; i < 5; i++) {
            db.stage("ContactId,EmailOptOut\n" + contact(i) + ",TRUE\n");
        }

        assertThat(db.jdbc.queryForObject("select count(distinct export_id) from ascend_export_value", Long.class))
                .isEqualTo(3);
        assertThat(db.jdbc.queryForObject("select count(*) from ascend_export where state = 'PURGED'", Long.class))
                .isEqualTo(2);
    }

    /** Stands for the JVM dying: an Error, which nothing in the staging catches. */
    private static final class ProcessDeath extends Error {
    }

    /** Stages with {@code jdbc} in chunks of 3, as the service would. */
    private AscendExports stagingWith(JdbcTemplate jdbc) {
        return new AscendExports(jdbc, db.transactions, db.deadLetters, db.clock, "ContactId", "EmailOptOut", 3, 3,
                Duration.ofMinutes(30));
    }

    /** Runs {@code work} on a thread of its own, outside this thread's transaction, as another node would. */
    private static <T> T onAnotherNode(Callable<T> work) {
        ExecutorService node = Executors.newSingleThreadExecutor();
        try {
            return node.submit(work).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the other node's staging failed", e);
        } finally {
            node.shutdownNow();
        }
    }

    private static String sevenContacts() {
        StringBuilder csv = new StringBuilder("ContactId,EmailOptOut\n");
        for (int i = 1; i <= 7; i++) {
            csv.append(contact(i)).append(",TRUE\n");
        }
        return csv.toString();
    }

    private static ByteArrayInputStream utf8(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The export's values and bad rows. */
    private long rowsOf(long exportId) {
        return db.jdbc.queryForObject("select count(*) from ascend_export_value where export_id = ?", Long.class, exportId)
                + db.jdbc.queryForObject("select count(*) from ascend_export_bad_row where export_id = ?", Long.class,
                exportId);
    }
}
