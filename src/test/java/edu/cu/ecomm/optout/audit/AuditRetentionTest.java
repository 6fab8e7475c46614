package edu.cu.ecomm.optout.audit;

import static edu.cu.ecomm.optout.audit.AuditDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;

import edu.cu.ecomm.optout.intake.BulkQueries;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an audit leaves behind week after week: at a million contacts some 200,000 discrepancies and a report of the
 * same size, which must not pile up for good.
 */
class AuditRetentionTest {

    private static final int KEEP_AUDITS = 2;

    @AutoClose
    private final AuditDatabase db = new AuditDatabase();
    @TempDir
    Path staging;

    @Test
    void onlyTheNewestAuditsThatFoundDisagreementsKeepThemAndEveryAuditKeepsItsFigures() {
        ParityAudit audits = audits();
        db.stage("ContactId,EmailOptOut\n" + contact(1) + ",FALSE\n");
        long first = auditWithOneDisagreement(audits);
        long second = auditWithOneDisagreement(audits);
        long third = auditWithOneDisagreement(audits);
        assertThat(discrepancies(first)).as("kept until the next start").isEqualTo(1);

        long failedBeforeComparing = audits.start("SCHEDULE");
        audits.failed(failedBeforeComparing, new IllegalStateException("Bulk API job failed"));
        audits.start("OPERATOR");

        assertThat(discrepancies(first)).isZero();
        assertThat(discrepancies(second)).as("an audit that found none does not push it out").isEqualTo(1);
        assertThat(discrepancies(third)).isEqualTo(1);
        assertThat(audits.find(first).orElseThrow().optedOutInSalesforceOnly()).as("figures stay").isEqualTo(1);
    }

    @Test
    void aDeliveredReportsFilesAreRemovedFromTheStagingFolder() throws Exception {
        ParityAudit audits = audits();
        db.stage("ContactId,EmailOptOut\n" + contact(1) + ",FALSE\n");
        long audit = audits.start("SCHEDULE");
        salesforceSays(audit, true);
        audits.compare(audit);
        AuditReport.Files files = audits.writeReport(audit);
        assertThat(files.csv()).exists();
        assertThat(files.totals()).exists();

        report().removeDelivered(files);
        // Removing again (a retried step) is no failure.
        report().removeDelivered(files);

        try (var left = Files.list(staging)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aNegativeKeepAuditsIsRefusedAtStartUpInsteadOfFailingEveryAudit() {
        assertThatIllegalArgumentException().isThrownBy(() -> audits(-1))
                .withMessage("optout.audit.keep-audits must be 0 or more, not -1");
    }

    /** A whole audit in which Salesforce has contact 1 opted out and the export does not. */
    private long auditWithOneDisagreement(ParityAudit audits) {
        long audit = audits.start("SCHEDULE");
        salesforceSays(audit, true);
        audits.compare(audit);
        audits.reported(audit);
        return audit;
    }

    /** What the audit's Bulk API read would have staged: contact 1 only. */
    private void salesforceSays(long auditId, boolean optedOut) {
        db.jdbc.update("insert into audit_salesforce_value (audit_id, contact_id, opted_out) values (?, ?, ?)",
                auditId, contact(1), optedOut);
    }

    private long discrepancies(long auditId) {
        return db.jdbc.queryForObject("select count(*) from parity_discrepancy where audit_id = ?", Long.class,
                auditId);
    }

    private AuditReport report() {
        return new AuditReport(db.dataSource, db.transactions, staging, ZoneId.of("America/Denver"));
    }

    private ParityAudit audits() {
        return audits(KEEP_AUDITS);
    }

    /** The audit bean on the test database; these tests never read Salesforce. */
    private ParityAudit audits(int keepAudits) {
        return new ParityAudit(db.jdbc, db.transactions, new BulkQueries(null), db.exports, new AuditComparison(db.jdbc),
                new AuditCorrections(db.jdbc, db.ledger, db.writes()), report(), db.deadLetters, db.clock, false, 1000,
                50_000, Duration.ofSeconds(5), Duration.ofHours(2), Duration.ofDays(8), Duration.ofHours(6),
                keepAudits);
    }
}
