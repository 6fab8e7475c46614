package edu.cu.ecomm.optout.audit;

import static edu.cu.ecomm.optout.audit.AuditDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;

class AscendExportsTest {

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
        AscendExports failing = new AscendExports(failsOnSecondChunk, db.transactions, db.deadLetters, db.clock,
                "ContactId", "EmailOptOut", 3, 3);

        assertThatThrownBy(() -> failing.stage(new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)),
                "export.csv")).isInstanceOf(DataAccessResourceFailureException.class);

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
    void onlyTheNewestExportsKeepTheirValues() {
        for (int i = 0; i < 5; i++) {
            db.stage("ContactId,EmailOptOut\n" + contact(i) + ",TRUE\n");
        }

        assertThat(db.jdbc.queryForObject("select count(distinct export_id) from ascend_export_value", Long.class))
                .isEqualTo(3);
        assertThat(db.jdbc.queryForObject("select count(*) from ascend_export where state = 'PURGED'", Long.class))
                .isEqualTo(2);
    }
}
