package edu.cu.ecomm.optout.audit;

import static edu.cu.ecomm.optout.audit.AuditDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;

import edu.cu.ecomm.optout.intake.BulkQueries;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a replay does with the audit's dead letters: an audit whose report was written and not delivered has it
 * delivered; any other (failed before its report, or did not start) starts a new audit, as JMX runAuditNow does.
 * Delivering through the route is {@code ParityAuditIntegrationTest}'s.
 */
class AuditReportReplayTest {

    @AutoClose
    private final AuditDatabase db = new AuditDatabase();
    @TempDir
    Path staging;

    @Test
    void theLetterOfAnAuditWhoseReportWasNotDeliveredNamesTheReportAndCanBeReplayed() {
        ParityAudit audits = audits();
        long auditId = auditWithItsReportWritten(audits);

        audits.failed(auditId, new IllegalStateException("report endpoint unwritable"));

        DeadLetter letter = db.deadLetters.open().get(0);
        String report = db.jdbc.queryForObject("select report_file from parity_audit where id = ?", String.class, auditId);
        assertThat(letter.reason()).isEqualTo("Parity audit " + auditId + " failed: java.lang.IllegalStateException:"
                + " report endpoint unwritable; its report " + report + " and its totals stay in"
                + " optout.audit.staging-dir: replay this letter to deliver it");
        assertThat(replay(audits).handles(letter)).isTrue();
    }

    @Test
    void replayingTheLetterOfAnAuditThatFailedBeforeItsReportStartsANewAuditAsRunAuditNowDoes() {
        ParityAudit audits = audits();
        db.stage("ContactId,EmailOptOut\n" + contact(1) + ",FALSE\n");
        long auditId = audits.start("SCHEDULE");
        audits.failed(auditId, new IllegalStateException("Bulk API job failed"));
        DeadLetter letter = db.deadLetters.open().get(0);
        ProducerTemplate producer = mock(ProducerTemplate.class);
        AuditReportReplay replay = new AuditReportReplay(audits, report(), producer);

        assertThat(replay.handles(letter)).isTrue();
        assertThat(replay.replay(letter)).isEqualTo("parity audit " + auditId + " failed before its report: a new"
                + " audit was started; watch Audit.LastRunState (should it fail, it leaves a dead letter of its own)");
        verify(producer).asyncRequestBodyAndHeader("direct:parity-audit", null, "auditTrigger", "OPERATOR");
    }

    @Test
    void replayingTheLetterOfAnAuditThatDidNotStartStartsOne() {
        ParityAudit audits = audits();
        audits.notStarted(new AuditNotStartedException("no CU Ascend export has been staged yet"));
        db.stage("ContactId,EmailOptOut\n" + contact(1) + ",FALSE\n");
        DeadLetter letter = db.deadLetters.open().get(0);
        ProducerTemplate producer = mock(ProducerTemplate.class);

        assertThat(new AuditReportReplay(audits, report(), producer).replay(letter))
                .startsWith("the parity audit did not run: a new audit was started");
        verify(producer).asyncRequestBodyAndHeader("direct:parity-audit", null, "auditTrigger", "OPERATOR");
    }

    @Test
    void aReplayThatWouldStartAnAuditWhileOneRunsIsRefusedAndStartsNothing() {
        ParityAudit audits = audits();
        audits.notStarted(new AuditNotStartedException("no CU Ascend export has been staged yet"));
        db.stage("ContactId,EmailOptOut\n" + contact(1) + ",FALSE\n");
        long running = audits.start("SCHEDULE");
        DeadLetter letter = db.deadLetters.open().get(0);
        ProducerTemplate producer = mock(ProducerTemplate.class);

        assertThatIllegalStateException()
                .isThrownBy(() -> new AuditReportReplay(audits, report(), producer).replay(letter))
                .withMessage("parity audit " + running + " is running: replay this letter once it has finished, or"
                        + " discard it if that audit does what it asks");
        verify(producer, never()).asyncRequestBodyAndHeader(any(String.class), any(), any(String.class), any());
    }

    @Test
    void aReplayWithNoExportToAuditSaysWhy() {
        ParityAudit audits = audits();
        audits.notStarted(new AuditNotStartedException("no CU Ascend export has been staged yet"));
        DeadLetter letter = db.deadLetters.open().get(0);
        ProducerTemplate producer = mock(ProducerTemplate.class);

        assertThatThrownBy(() -> new AuditReportReplay(audits, report(), producer).replay(letter))
                .isInstanceOf(AuditNotStartedException.class)
                .hasMessageStartingWith("no CU Ascend export has been staged yet");
        verify(producer, never()).asyncRequestBodyAndHeader(any(String.class), any(), any(String.class), any());
    }

    @Test
    void aReplayWithoutTheStagedFilesSaysWhereToLookAndLeavesTheAuditFailed() throws Exception {
        ParityAudit audits = audits();
        long auditId = auditWithItsReportWritten(audits);
        audits.failed(auditId, new IllegalStateException("report endpoint unwritable"));
        try (var files = Files.list(staging)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        DeadLetter letter = db.deadLetters.open().get(0);

        assertThatIllegalStateException().isThrownBy(() -> replay(audits).replay(letter))
                .withMessageContaining("is not in optout.audit.staging-dir on this node")
                .withMessageContaining("replay the letter on the node that ran the audit");
        assertThat(audits.find(auditId)).hasValueSatisfying(audit -> assertThat(audit.state()).isEqualTo("FAILED"));
    }

    private long auditWithItsReportWritten(ParityAudit audits) {
        db.stage("ContactId,EmailOptOut\n" + contact(1) + ",FALSE\n");
        long auditId = audits.start("SCHEDULE");
        db.jdbc.update("insert into audit_salesforce_value (audit_id, contact_id, opted_out) values (?, ?, true)",
                auditId, contact(1));
        audits.compare(auditId);
        audits.writeReport(auditId);
        return auditId;
    }

    /** The replay never reaches the route in these tests. */
    private AuditReportReplay replay(ParityAudit audits) {
        return new AuditReportReplay(audits, report(), null);
    }

    private AuditReport report() {
        return new AuditReport(db.dataSource, db.transactions, staging, ZoneId.of("America/Denver"));
    }

    /** The audit bean on the test database; these tests never read Salesforce. */
    private ParityAudit audits() {
        return new ParityAudit(db.jdbc, db.transactions, new BulkQueries(null), db.exports, new AuditComparison(db.jdbc),
                new AuditCorrections(db.jdbc, db.ledger, db.writes()), report(), db.deadLetters, db.clock, false, 1000,
                50_000, Duration.ofSeconds(5), Duration.ofHours(2), Duration.ofDays(8), Duration.ofHours(6), 3);
    }
}
