package edu.cu.ecomm.optout.delivery;

import static edu.cu.ecomm.optout.delivery.DeliveryDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.Direction;
import edu.cu.ecomm.optout.ledger.NewChange;

class BatchCollapserTest {

    @AutoClose
    private final DeliveryDatabase db = new DeliveryDatabase();
    private final BatchCollapser collapser = new BatchCollapser(db.dataSource, db.transactions);
    private final Instant t0 = Instant.parse("2026-11-26T16:00:00Z");
    private final List<Long> members = new ArrayList<>();

    @Test
    void aContactThatFlippedAndFlippedBackEndsAtItsFinalValue() {
        db.ready(contact(1), true, t0, 1);
        db.ready(contact(1), false, t0.plusSeconds(10), 1);
        db.ready(contact(1), true, t0.plusSeconds(20), 1);
        long last = db.ready(contact(1), false, t0.plusSeconds(30), 1);

        List<CollapsedChange> rows = collapse(Long.MAX_VALUE);

        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.optedOut()).isFalse();
            assertThat(row.direction()).isEqualTo(Direction.OPT_IN);
            assertThat(row.changedAt()).isEqualTo(t0.plusSeconds(30));
            assertThat(row.changeId()).isEqualTo(last);
        });
        assertThat(members).hasSize(4);
    }

    @Test
    void theLastChangeIsByCommitTimeNotByArrival() {
        db.ready(contact(1), false, t0.plusSeconds(60), 1);
        db.ready(contact(1), true, t0, 1); // arrived later (e.g. a catch-up) but committed earlier

        assertThat(collapse(Long.MAX_VALUE)).singleElement().extracting(CollapsedChange::optedOut).isEqualTo(false);
    }

    @Test
    void withinOneCommitTimeTransactionOrderDecidesThenLedgerOrder() {
        db.ready(contact(1), false, t0, 2, "tx-1");
        db.ready(contact(1), true, t0, 1, "tx-1");
        db.ready(contact(2), true, t0, 1, "tx-2");
        long lastOfTwo = db.ready(contact(2), false, t0, 1, "tx-3");

        List<CollapsedChange> rows = collapse(Long.MAX_VALUE);

        assertThat(rows).extracting(CollapsedChange::contactId).containsExactly(contact(1), contact(2));
        assertThat(rows.get(0).optedOut()).isFalse();
        assertThat(rows.get(1).changeId()).isEqualTo(lastOfTwo);
    }

    @Test
    void everyContactGetsOneRowInContactOrder() {
        for (int i = 30; i > 0; i--) {
            db.ready(contact(i), i % 3 == 0, t0.plusSeconds(i), 1);
            db.ready(contact(i), i % 3 != 0, t0.minusSeconds(i), 1);
        }

        List<CollapsedChange> rows = collapse(Long.MAX_VALUE);

        assertThat(rows).hasSize(30);
        assertThat(rows).extracting(CollapsedChange::contactId).isSorted();
        assertThat(rows).allSatisfy(row -> assertThat(row.optedOut())
                .isEqualTo(Integer.parseInt(row.contactId().substring(3, 15)) % 3 == 0));
        assertThat(rows).extracting(CollapsedChange::source).containsOnly(ChangeSource.CDC);
        assertThat(members).hasSize(60);
    }

    @Test
    void onlyReadyChangesUpToTheHighWaterIdAreInTheBatch() {
        long first = db.ready(contact(1), true, t0, 1);
        db.ledger.record(new NewChange(contact(2), true, "UPDATE", t0, 1L, "tx", 1, "event-received", null, null,
                null, ChangeSource.CDC));
        long highWater = db.ready(contact(3), true, t0, 1);
        db.ready(contact(4), true, t0, 1);

        List<CollapsedChange> rows = collapse(highWater);

        assertThat(rows).extracting(CollapsedChange::contactId).containsExactly(contact(1), contact(3));
        assertThat(members).containsExactlyInAnyOrder(first, highWater);
    }

    private List<CollapsedChange> collapse(long highWater) {
        List<CollapsedChange> rows = new ArrayList<>();
        long contacts = collapser.collapse(highWater, rows::add, members::add);
        assertThat(contacts).isEqualTo(rows.size());
        return rows;
    }
}
