package edu.cu.ecomm.optout.delivery;

import static edu.cu.ecomm.optout.delivery.DeliveryDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.NewChange;

class BatchMarkerTest {

    @TempDir
    Path staging;

    @AutoClose
    private final DeliveryDatabase db = new DeliveryDatabase();
    private final BatchCollapser collapser = new BatchCollapser(db.dataSource, db.transactions);
    private final BatchClaimer claimer = new BatchClaimer(db.jdbc, db.transactions, db.clock, Duration.ofMinutes(30),
            () -> "this-node");
    private final BatchMarker marker = new BatchMarker(db.jdbc, db.transactions, db.clock);
    private final Instant t0 = Instant.parse("2026-11-26T16:00:00Z");

    @Test
    void aDeliveredBatchMarksItselfItsChangesAndEachContactsLastValue() {
        db.ready(contact(1), true, t0, 1);
        db.ready(contact(1), false, t0.plusSeconds(10), 1);
        db.ready(contact(2), true, t0, 1);
        db.jdbc.update("insert into contact_state (contact_id, opted_out, updated_at) values (?, true, ?)",
                contact(1), t0.minusSeconds(3600).atOffset(ZoneOffset.UTC));
        AscendBatch batch = claimAndBuild();

        marker.markDelivered(batch);

        assertThat(db.ledger.count(ChangeState.DELIVERED)).isEqualTo(3);
        assertThat(db.jdbc.queryForList("select distinct batch_id from contact_change", String.class))
                .containsExactly(batch.batchId());
        assertThat(db.jdbc.queryForObject("select state from ascend_batch where id = ?", String.class, batch.id()))
                .isEqualTo("DELIVERED");
        assertThat(db.jdbc.queryForObject("select delivered_at from ascend_batch where id = ?", OffsetDateTime.class,
                batch.id()).toInstant()).isEqualTo(db.clock.instant());
        assertThat(optedOut(contact(1))).isFalse();
        assertThat(optedOut(contact(2))).isTrue();
    }

    @Test
    void aChangeThatBecameReadyAfterTheFileWasBuiltIsLeftForTheNextBatch() {
        db.ready(contact(1), true, t0, 1);
        long late = db.ledger.record(new NewChange(contact(2), true, "UPDATE", t0, 1L, "tx-late", 1, "event-late",
                null, null, null, ChangeSource.CDC)).orElseThrow();
        db.ready(contact(3), true, t0, 1);
        AscendBatch batch = claimAndBuild();
        db.ledger.markReady(late); // below the batch's high-water id, but not in its file

        marker.markDelivered(batch);

        assertThat(db.ledger.find(late).orElseThrow().state()).isEqualTo(ChangeState.READY);
        assertThat(db.ledger.count(ChangeState.DELIVERED)).isEqualTo(2);
        AscendBatch next = claimAndBuild();
        assertThat(next.id()).isNotEqualTo(batch.id());
        assertThat(db.jdbc.queryForObject("select change_count from ascend_batch where id = ?", Integer.class,
                next.id())).isEqualTo(1);
    }

    @Test
    void aNewerKnownValueIsNotOverwrittenByAnOlderDeliveredOne() {
        db.ready(contact(1), true, t0, 1);
        db.jdbc.update("insert into contact_state (contact_id, opted_out, updated_at) values (?, false, ?)",
                contact(1), t0.plusSeconds(60).atOffset(ZoneOffset.UTC));

        marker.markDelivered(claimAndBuild());

        assertThat(optedOut(contact(1))).isFalse();
    }

    @Test
    void aChangeOlderThanOneAlreadyDeliveredIsNotSentSoCuAscendKeepsTheNewerValue() throws Exception {
        // An opt-out whose flow kept it RECEIVED (Salesforce was unreachable), then an opt-in a minute later that
        // went READY at once and was delivered first.
        long optOut = db.ledger.record(new NewChange(contact(1), true, "UPDATE", t0, 1L, "tx-out", 1, "event-out",
                null, null, null, ChangeSource.CDC)).orElseThrow();
        db.ready(contact(1), false, t0.plusSeconds(60), 1);
        marker.markDelivered(claimAndBuild());
        db.ledger.markReady(optOut);
        db.ready(contact(2), true, t0, 1);

        AscendBatch next = claimAndBuild();
        marker.markDelivered(next);

        assertThat(Files.readAllLines(staging.resolve(next.fileName()))).hasSize(2)
                .last().asString().startsWith(contact(2));
        assertThat(db.ledger.find(optOut).orElseThrow().state()).isEqualTo(ChangeState.DELIVERED);
        assertThat(optedOut(contact(1))).isFalse();
    }

    @Test
    void aBatchIsMarkedDeliveredOnlyOnce() {
        db.ready(contact(1), true, t0, 1);
        AscendBatch batch = claimAndBuild();
        marker.markDelivered(batch);

        assertThatThrownBy(() -> marker.markDelivered(batch)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRunWhoseBatchWasTakenOverDoesNotMarkIt() {
        db.ready(contact(1), true, t0, 1);
        AscendBatch slow = claimAndBuild();
        db.clock.advance(Duration.ofMinutes(31)); // its lease ran out while it was still sending
        AscendBatch takenOver = new BatchClaimer(db.jdbc, db.transactions, db.clock, Duration.ofMinutes(30),
                () -> "other-node").claim();

        assertThatThrownBy(() -> marker.markDelivered(slow)).isInstanceOf(BatchTakenOverException.class)
                .hasMessageContaining("taken over by another run (lease owner now " + takenOver.leaseOwner() + ")");

        assertThat(db.jdbc.queryForObject("select state from ascend_batch", String.class)).isEqualTo("PENDING");
        assertThat(db.jdbc.queryForObject("select lease_owner from ascend_batch", String.class))
                .isEqualTo(takenOver.leaseOwner());
        assertThat(db.ledger.count(ChangeState.READY)).isEqualTo(1);
        assertThat(db.jdbc.queryForObject("select count(*) from contact_state", Long.class)).isZero();
    }

    @Test
    void aFailedRunLeavesABatchAnotherRunTookOverToThatRun() {
        db.ready(contact(1), true, t0, 1);
        AscendBatch slow = claimAndBuild();
        db.clock.advance(Duration.ofMinutes(31));
        AscendBatch takenOver = new BatchClaimer(db.jdbc, db.transactions, db.clock, Duration.ofMinutes(30),
                () -> "other-node").claim();

        marker.markFailed(slow, new java.io.IOException("connection reset"));

        assertThat(db.jdbc.queryForMap("select lease_owner, last_error from ascend_batch"))
                .containsEntry("lease_owner", takenOver.leaseOwner()).containsEntry("last_error", null);
    }

    @Test
    void aFailedDeliveryKeepsTheBatchPendingWithItsErrorAndFreesItForTheNextRun() {
        db.ready(contact(1), true, t0, 1);
        AscendBatch batch = claimAndBuild();

        marker.markFailed(batch, new java.io.IOException("connection refused"));

        assertThat(db.jdbc.queryForObject("select state from ascend_batch", String.class)).isEqualTo("PENDING");
        assertThat(db.jdbc.queryForObject("select last_error from ascend_batch", String.class))
                .contains("connection refused");
        assertThat(db.ledger.count(ChangeState.READY)).isEqualTo(1);
        assertThat(db.jdbc.queryForObject("select count(*) from contact_state", Long.class)).isZero();
        assertThat(claimer.claim().id()).isEqualTo(batch.id());
    }

    private AscendBatch claimAndBuild() {
        AscendBatch batch = claimer.claim();
        new BatchFileBuilder(collapser, new ContactFieldLookup(new FakeContacts(), "Email"), new AscendCsvWriter(),
                db.jdbc, staging).build(batch);
        return batch;
    }

    private boolean optedOut(String contactId) {
        return db.jdbc.queryForObject("select opted_out from contact_state where contact_id = ?", Boolean.class,
                contactId);
    }
}
