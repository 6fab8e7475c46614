package edu.cu.ecomm.optout.delivery;

import static edu.cu.ecomm.optout.delivery.DeliveryDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import edu.cu.ecomm.optout.ledger.ChangeState;

class BatchMarkerTest {

    private final DeliveryDatabase db = new DeliveryDatabase();
    private final BatchCollapser collapser = new BatchCollapser(db.dataSource, db.transactions);
    private final BatchClaimer claimer = new BatchClaimer(db.jdbc, db.transactions, db.clock, Duration.ofMinutes(30));
    private final BatchMarker marker = new BatchMarker(db.jdbc, db.transactions, collapser, db.clock);
    private final Instant t0 = Instant.parse("2026-11-26T16:00:00Z");

    @Test
    void aDeliveredBatchMarksItselfItsChangesAndEachContactsLastValue() {
        db.ready(contact(1), true, t0, 1);
        db.ready(contact(1), false, t0.plusSeconds(10), 1);
        db.ready(contact(2), true, t0, 1);
        db.jdbc.update("insert into contact_state (contact_id, opted_out, updated_at) values (?, true, ?)",
                contact(1), t0.minusSeconds(3600).atOffset(ZoneOffset.UTC));
        AscendBatch batch = claimer.claim();

        marker.markDelivered(batch);

        assertThat(db.ledger.count(ChangeState.DELIVERED)).isEqualTo(3);
        assertThat(db.jdbc.queryForObject("select state from ascend_batch where id = ?", String.class, batch.id()))
                .isEqualTo("DELIVERED");
        assertThat(db.jdbc.queryForObject("select delivered_at from ascend_batch where id = ?", OffsetDateTime.class,
                batch.id()).toInstant()).isEqualTo(db.clock.instant());
        assertThat(optedOut(contact(1))).isFalse();
        assertThat(optedOut(contact(2))).isTrue();
    }

    @Test
    void aNewerKnownValueIsNotOverwrittenByAnOlderDeliveredOne() {
        db.ready(contact(1), true, t0, 1);
        db.jdbc.update("insert into contact_state (contact_id, opted_out, updated_at) values (?, false, ?)",
                contact(1), t0.plusSeconds(60).atOffset(ZoneOffset.UTC));

        marker.markDelivered(claimer.claim());

        assertThat(optedOut(contact(1))).isFalse();
    }

    @Test
    void aBatchIsMarkedDeliveredOnlyOnce() {
        db.ready(contact(1), true, t0, 1);
        AscendBatch batch = claimer.claim();
        marker.markDelivered(batch);

        assertThatThrownBy(() -> marker.markDelivered(batch)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFailedDeliveryKeepsTheBatchPendingWithItsErrorAndFreesItForTheNextRun() {
        db.ready(contact(1), true, t0, 1);
        AscendBatch batch = claimer.claim();

        marker.markFailed(batch, new java.io.IOException("connection refused"));

        assertThat(db.jdbc.queryForObject("select state from ascend_batch", String.class)).isEqualTo("PENDING");
        assertThat(db.jdbc.queryForObject("select last_error from ascend_batch", String.class))
                .contains("connection refused");
        assertThat(db.ledger.count(ChangeState.BATCHED)).isEqualTo(1);
        assertThat(db.jdbc.queryForObject("select count(*) from contact_state", Long.class)).isZero();
        assertThat(claimer.claim().id()).isEqualTo(batch.id());
    }

    private boolean optedOut(String contactId) {
        return db.jdbc.queryForObject("select opted_out from contact_state where contact_id = ?", Boolean.class,
                contactId);
    }
}
