package edu.cu.ecomm.optout.audit;

import static edu.cu.ecomm.optout.audit.AuditDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class AuditComparisonTest {

    @AutoClose
    private final AuditDatabase db = new AuditDatabase();
    private final AuditComparison comparison = new AuditComparison(db.jdbc);

    private long exportOf(Map<String, Boolean> ascend) {
        StringBuilder csv = new StringBuilder("ContactId,EmailOptOut\n");
        ascend.forEach((id, value) -> csv.append(id).append(',').append(value ? "TRUE" : "FALSE").append('\n'));
        return db.stage(csv.toString()).id();
    }

    @Test
    void findsEachKindOfDisagreementAndNothingWhereTheSystemsAgree() {
        long export = exportOf(Map.of(contact(1), true, contact(2), false, contact(3), true, contact(4), false,
                contact(6), true));
        long audit = db.audit(export, Map.of(contact(1), true, contact(2), false, contact(3), false, contact(4), true,
                contact(5), false));

        var counts = comparison.compare(audit, export);

        assertThat(db.discrepancies(audit)).containsExactly(
                contact(3) + " OPTED_OUT_IN_ASCEND_ONLY OPEN",
                contact(4) + " OPTED_OUT_IN_SALESFORCE_ONLY OPEN",
                contact(5) + " IN_SALESFORCE_ONLY OPEN",
                contact(6) + " IN_ASCEND_ONLY OPEN");
        assertThat(counts.get(DiscrepancyKind.OPTED_OUT_IN_SALESFORCE_ONLY)).containsEntry(DiscrepancyStatus.OPEN, 1L);
        assertThat(counts.get(DiscrepancyKind.IN_ASCEND_ONLY)).containsEntry(DiscrepancyStatus.OPEN, 1L);
    }

    @Test
    void aContactWithAChangeNotYetDeliveredIsInFlightNotADisagreement() {
        Map<String, Boolean> ascend = new LinkedHashMap<>();
        Map<String, Boolean> salesforce = new LinkedHashMap<>();
        String[] states = {"RECEIVED", "READY", "DELIVERED"};
        for (int i = 0; i < states.length; i++) {
            ascend.put(contact(10 + i), false);
            salesforce.put(contact(10 + i), true);
            db.change(contact(10 + i), true, states[i]);
        }
        long export = exportOf(ascend);
        long audit = db.audit(export, salesforce);

        comparison.compare(audit, export);

        assertThat(db.discrepancies(audit)).containsExactly(
                contact(10) + " OPTED_OUT_IN_SALESFORCE_ONLY IN_FLIGHT",
                contact(11) + " OPTED_OUT_IN_SALESFORCE_ONLY IN_FLIGHT",
                contact(12) + " OPTED_OUT_IN_SALESFORCE_ONLY OPEN");
    }

    @Test
    void aContactWhoseLatestChangeIsHeldOrRejectedIsHeldButAnOlderHoldSinceSettledIsNot() {
        db.change(contact(20), false, "HELD");
        db.change(contact(21), false, "REJECTED");
        db.change(contact(22), false, "HELD");
        db.change(contact(22), true, "DELIVERED");
        db.change(contact(23), false, "DELIVERED");
        db.change(contact(23), false, "HELD");
        long export = exportOf(Map.of(contact(20), true, contact(21), true, contact(22), false, contact(23), true));
        long audit = db.audit(export, Map.of(contact(20), false, contact(21), false, contact(22), true, contact(23), false));

        var counts = comparison.compare(audit, export);

        assertThat(db.discrepancies(audit)).containsExactly(
                contact(20) + " OPTED_OUT_IN_ASCEND_ONLY HELD",
                contact(21) + " OPTED_OUT_IN_ASCEND_ONLY HELD",
                contact(22) + " OPTED_OUT_IN_SALESFORCE_ONLY OPEN",
                contact(23) + " OPTED_OUT_IN_ASCEND_ONLY HELD");
        assertThat(counts.get(DiscrepancyKind.OPTED_OUT_IN_ASCEND_ONLY)).containsEntry(DiscrepancyStatus.HELD, 3L);
    }

    @Test
    void aContactOnlyOneSideHasIsInFlightWhenItsChangeIsOnItsWay() {
        db.change(contact(30), true, "READY");
        long export = exportOf(Map.of(contact(31), true));
        long audit = db.audit(export, Map.of(contact(30), true));

        comparison.compare(audit, export);

        assertThat(db.discrepancies(audit)).containsExactly(
                contact(30) + " IN_SALESFORCE_ONLY IN_FLIGHT",
                contact(31) + " IN_ASCEND_ONLY OPEN");
    }

    @Test
    void comparingAgainReplacesTheEarlierFindings() {
        long export = exportOf(Map.of(contact(40), true));
        long audit = db.audit(export, Map.of(contact(40), false));
        comparison.compare(audit, export);

        comparison.compare(audit, export);

        assertThat(db.discrepancies(audit)).containsExactly(contact(40) + " OPTED_OUT_IN_ASCEND_ONLY OPEN");
    }

    @Test
    void aContactWhoseChangeWasDeliveredAfterTheExportArrivedIsInFlight() {
        db.change(contact(50), true, "DELIVERED");
        db.change(contact(51), true, "DELIVERED");
        long export = exportOf(Map.of(contact(50), false, contact(51), false));
        db.jdbc.update("insert into ascend_batch (id, created_at, high_water_id, file_name, state, delivered_at)"
                + " values (7, ?, 0, 'b.csv', 'DELIVERED', ?)", edu.cu.ecomm.optout.ledger.SqlTime.toSql(db.clock.instant()),
                edu.cu.ecomm.optout.ledger.SqlTime.toSql(db.clock.instant().plusSeconds(60)));
        db.jdbc.update("update contact_change set batch_id = '7' where contact_id = ?", contact(50));
        db.jdbc.update("insert into ascend_batch (id, created_at, high_water_id, file_name, state, delivered_at)"
                + " values (6, ?, 0, 'a.csv', 'DELIVERED', ?)", edu.cu.ecomm.optout.ledger.SqlTime.toSql(db.clock.instant()),
                edu.cu.ecomm.optout.ledger.SqlTime.toSql(db.clock.instant().minusSeconds(60)));
        db.jdbc.update("update contact_change set batch_id = '6' where contact_id = ?", contact(51));
        long audit = db.audit(export, Map.of(contact(50), true, contact(51), true));

        comparison.compare(audit, export);

        assertThat(db.discrepancies(audit)).containsExactly(
                contact(50) + " OPTED_OUT_IN_SALESFORCE_ONLY IN_FLIGHT",
                contact(51) + " OPTED_OUT_IN_SALESFORCE_ONLY OPEN");
    }
}
