package edu.cu.ecomm.optout.audit;

import static edu.cu.ecomm.optout.audit.AuditDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.ContactChange;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class AuditCorrectionsTest {

    private static final Instant READ_AT = Instant.parse("2026-11-29T10:00:00Z");

    @AutoClose
    private final AuditDatabase db = new AuditDatabase();
    private final AuditComparison comparison = new AuditComparison(db.jdbc);
    private final AuditCorrections corrections = new AuditCorrections(db.jdbc, db.ledger, db.writes());

    @Test
    void eachDisagreementOnASalesforceContactBecomesAReadyAuditChangeCarryingSalesforcesValue() {
        db.change(contact(4), true, "READY");
        long export = db.stage("ContactId,EmailOptOut\n" + contact(1) + ",FALSE\n" + contact(2) + ",TRUE\n"
                + contact(4) + ",FALSE\n" + contact(5) + ",TRUE\n").id();
        long audit = db.audit(export, Map.of(contact(1), true, contact(2), false, contact(3), true, contact(4), true));
        comparison.compare(audit, export);

        long recorded = corrections.correct(audit, export, READ_AT, 2);

        assertThat(recorded).isEqualTo(3);
        assertThat(db.ledger.forContact(contact(1))).singleElement().satisfies(change -> correction(change, true));
        assertThat(db.ledger.forContact(contact(2))).singleElement().satisfies(change -> correction(change, false));
        assertThat(db.ledger.forContact(contact(3))).singleElement().satisfies(change -> correction(change, true));
        assertThat(db.ledger.forContact(contact(4))).as("in flight: never corrected").singleElement()
                .satisfies(change -> assertThat(change.source()).isEqualTo(ChangeSource.CDC));
        assertThat(db.ledger.forContact(contact(5))).as("only CU Ascend has it").isEmpty();
        assertThat(db.discrepancies(audit)).containsExactly(
                contact(1) + " OPTED_OUT_IN_SALESFORCE_ONLY CORRECTED",
                contact(2) + " OPTED_OUT_IN_ASCEND_ONLY CORRECTED",
                contact(3) + " IN_SALESFORCE_ONLY CORRECTED",
                contact(4) + " OPTED_OUT_IN_SALESFORCE_ONLY IN_FLIGHT",
                contact(5) + " IN_ASCEND_ONLY OPEN");
    }

    @Test
    void auditingTheSameExportAgainRecordsNothingTwice() {
        long export = db.stage("ContactId,EmailOptOut\n" + contact(1) + ",FALSE\n").id();
        long first = db.audit(export, Map.of(contact(1), true));
        comparison.compare(first, export);
        corrections.correct(first, export, READ_AT, 10);
        // Delivered meanwhile; CU Ascend's next export is not in yet, so the same export is audited again.
        db.jdbc.update("update contact_change set state = 'DELIVERED'");
        long second = db.audit(export, Map.of(contact(1), true));
        comparison.compare(second, export);

        long recorded = corrections.correct(second, export, READ_AT.plusSeconds(3600), 10);

        assertThat(recorded).isZero();
        assertThat(db.ledger.forContact(contact(1))).hasSize(1);
    }

    private static void correction(ContactChange change, boolean optedOut) {
        assertThat(change.optedOut()).isEqualTo(optedOut);
        assertThat(change.source()).isEqualTo(ChangeSource.AUDIT);
        assertThat(change.state()).isEqualTo(ChangeState.READY);
        assertThat(change.commitTimestamp()).isEqualTo(READ_AT);
        assertThat(change.changeType()).isEqualTo("AUDIT");
    }
}
