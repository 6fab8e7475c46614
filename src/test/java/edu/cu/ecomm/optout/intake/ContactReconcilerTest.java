package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;


import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.ledger.KnownValues;
import edu.cu.ecomm.optout.ledger.NewChange;
import edu.cu.ecomm.optout.optin.OptInQueue;
import edu.cu.ecomm.optout.optin.ResubscribeRequests;
import edu.cu.ecomm.optout.support.MigratedDatabase;
import edu.cu.ecomm.optout.support.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** The comparison rules of catch-ups and gap re-reads, on a migrated database. */
class ContactReconcilerTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    private static final String CONTACT = "003000000000001AAA";

    @AutoClose
    private final MigratedDatabase database = TestDatabases.migrated();
    private final JdbcTemplate jdbc = new JdbcTemplate(database);
    private final Clock clock = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);
    private final ChangeLedger ledger = new ChangeLedger(jdbc, clock);
    private final KnownValues known = new KnownValues(jdbc, clock);
    private final ContactReconciler reconciler = new ContactReconciler(known, ledger, new DataLoadGuard(jdbc, ledger,
            new OptInQueue(jdbc, clock, 250, Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofHours(1)),
            new ResubscribeRequests(jdbc, clock), clock, new SimpleMeterRegistry(), true, 20, 50, List.of(),
            Duration.ofDays(7)));

    @Test
    void valueDifferentFromTheLastRecordedOneIsRecordedAtItsModstamp() {
        cdc(true, T0);

        ContactReconciler.Result result = catchUp(new ContactValue(CONTACT, false, T0.plusSeconds(60)));

        assertThat(result.recorded()).isEqualTo(1);
        ContactChange change = ledger.forContact(CONTACT).get(1);
        assertThat(change.optedOut()).isFalse();
        assertThat(change.source()).isEqualTo(ChangeSource.CATCHUP);
        assertThat(change.commitTimestamp()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void valueEqualToTheLastRecordedOneRecordsNothing() {
        cdc(true, T0);

        assertThat(catchUp(new ContactValue(CONTACT, true, T0.plusSeconds(60))).recorded()).isZero();
    }

    @Test
    void readOlderThanTheLedgersLatestChangeRecordsNothing() {
        cdc(true, T0.plusSeconds(120));

        assertThat(catchUp(new ContactValue(CONTACT, false, T0.plusSeconds(60))).recorded())
                .as("a stale read must not take CU Ascend back in time").isZero();
    }

    @Test
    void rememberedValueIsComparedWhenTheLedgerHasNone() {
        known.remember(Map.of(CONTACT, true), Map.of(CONTACT, T0));

        assertThat(catchUp(new ContactValue(CONTACT, true, T0.plusSeconds(60))).recorded()).isZero();
        assertThat(catchUp(new ContactValue(CONTACT, false, T0.plusSeconds(90))).recorded()).isEqualTo(1);
    }

    @Test
    void contactSeenForTheFirstTimeNotOptedOutIsRememberedWithoutAChange() {
        ContactReconciler.Result result = catchUp(new ContactValue(CONTACT, false, T0));

        assertThat(result.recorded()).isZero();
        assertThat(result.remembered()).isEqualTo(1);
        assertThat(known.of(List.of(CONTACT)).get(CONTACT).optedOut()).isFalse();
    }

    @Test
    void contactSeenForTheFirstTimeOptedOutIsRecorded() {
        assertThat(catchUp(new ContactValue(CONTACT, true, T0)).recorded()).isEqualTo(1);
    }

    @Test
    void theSameReadReconciledTwiceRecordsOnce() {
        cdc(false, T0);
        ContactValue read = new ContactValue(CONTACT, true, T0.plusSeconds(60));

        catchUp(read);
        jdbc.update("delete from contact_change where source = 'CDC'");

        assertThat(catchUp(read).recorded()).as("same event id: already recorded").isZero();
        assertThat(ledger.forContact(CONTACT)).hasSize(1);
    }

    private ContactReconciler.Result catchUp(ContactValue value) {
        return reconciler.reconcile(List.of(value), ChangeSource.CATCHUP, "CATCHUP",
                v -> "catchup:" + v.systemModstamp().toEpochMilli(), GuardedTransaction.catchUp(T0));
    }

    private void cdc(boolean optedOut, Instant at) {
        ledger.record(new NewChange(CONTACT, optedOut, "UPDATE", at, 1L, "tx", 1, UUID.randomUUID().toString(), null,
                "com/salesforce/api/rest/64.0", null, ChangeSource.CDC)).orElseThrow();
    }
}
