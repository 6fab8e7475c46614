package edu.cu.ecomm.optout.delivery;

import static edu.cu.ecomm.optout.delivery.DeliveryDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.NewChange;

class BatchClaimerTest {

    @AutoClose
    private final DeliveryDatabase db = new DeliveryDatabase();
    private final BatchClaimer claimer = new BatchClaimer(db.jdbc, db.transactions, db.clock, Duration.ofMinutes(30),
            () -> "this-node");
    private final Instant t0 = Instant.parse("2026-11-26T16:00:00Z");

    @Test
    void aNewBatchTakesTheReadyChangesUpToTheLedgersHighWaterId() {
        db.ready(contact(1), true, t0, 1);
        long last = db.ready(contact(2), false, t0.plusSeconds(5), 1);

        AscendBatch batch = claimer.claim();

        assertThat(batch.resumed()).isFalse();
        assertThat(batch.highWaterId()).isEqualTo(last);
        assertThat(batch.attempts()).isEqualTo(1);
        assertThat(batch.fileName()).isEqualTo("optout-20261126-150000-" + batch.id() + ".csv");
        assertThat(db.jdbc.queryForObject("select state from ascend_batch", String.class)).isEqualTo("PENDING");
    }

    @Test
    void changesThatAreNotReadyMakeNoBatch() {
        db.ledger.record(new NewChange(contact(9), true, "UPDATE", t0, 1L, "tx", 1, "event-received", null, null,
                null, ChangeSource.CDC));

        assertThat(claimer.claim()).isNull();
    }

    @Test
    void anEmptyNightClaimsNothingAndCreatesNoBatch() {
        assertThat(claimer.claim()).isNull();
        assertThat(db.jdbc.queryForObject("select count(*) from ascend_batch", Long.class)).isZero();
    }

    @Test
    void aPendingBatchIsResumedBeforeNewerChangesAreClaimed() {
        db.ready(contact(1), true, t0, 1);
        AscendBatch first = claimer.claim();
        db.jdbc.update("update ascend_batch set lease_until = null where id = ?", first.id());
        db.ready(contact(2), true, t0.plusSeconds(60), 1);

        AscendBatch resumed = claimer.claim();

        assertThat(resumed.id()).isEqualTo(first.id());
        assertThat(resumed.resumed()).isTrue();
        assertThat(resumed.fileName()).isEqualTo(first.fileName());
        assertThat(resumed.highWaterId()).isEqualTo(first.highWaterId());
        assertThat(resumed.attempts()).isEqualTo(2);
        assertThat(db.jdbc.queryForObject("select count(*) from ascend_batch", Long.class)).isEqualTo(1);
    }

    @Test
    void aBatchAnotherRunIsDeliveringIsLeftToItUntilItsLeaseRunsOut() {
        db.ready(contact(1), true, t0, 1);
        AscendBatch delivering = claimer.claim();
        db.ready(contact(2), true, t0.plusSeconds(60), 1);

        assertThat(claimer.claim()).isNull();
        assertThat(db.jdbc.queryForObject("select count(*) from ascend_batch", Long.class)).isEqualTo(1);

        db.clock.advance(Duration.ofMinutes(31));
        assertThat(claimer.claim().id()).isEqualTo(delivering.id());
    }

    @Test
    void aRecoveredRunTakesOverTheBatchWhoseRunDiedWithItsLeaseStillHolding() {
        db.ready(contact(1), true, t0, 1);
        AscendBatch died = claimer.claim();

        AscendBatch recovered = claimer.claim(true);

        assertThat(recovered.id()).isEqualTo(died.id());
        assertThat(recovered.resumed()).isTrue();
        assertThat(recovered.attempts()).isEqualTo(2);
        assertThat(db.jdbc.queryForObject("select lease_owner from ascend_batch where id = ?", String.class,
                died.id())).isEqualTo(recovered.leaseOwner()).isNotEqualTo(died.leaseOwner());
    }

    @Test
    void aRecoveredRunLeavesABatchToTheLiveNodeDeliveringIt() {
        db.ready(contact(1), true, t0, 1);
        BatchClaimer otherNode = new BatchClaimer(db.jdbc, db.transactions, db.clock, Duration.ofMinutes(30),
                () -> "other-node");
        AscendBatch delivering = otherNode.claim();
        // Quartz lists the other node as alive: it checked in and was not recovered ("deliver now" over JMX there).
        db.jdbc.update("insert into qrtz_scheduler_state (sched_name, instance_name, last_checkin_time,"
                + " checkin_interval) values ('optout-sync', 'other-node', 0, 15000)");

        assertThat(claimer.claim(true)).isNull();
        assertThat(db.jdbc.queryForObject("select lease_owner from ascend_batch where id = ?", String.class,
                delivering.id())).isEqualTo(delivering.leaseOwner()).startsWith("other-node/");
    }

    @Test
    void runsThatFireAtOnceClaimOneBatchBetweenThem() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 25; i++) {
                    db.ready(contact(round * 100 + i), i % 2 == 0, t0.plusSeconds(i), 1);
                }
                CountDownLatch start = new CountDownLatch(1);
                List<Future<AscendBatch>> runs = new ArrayList<>();
                for (int r = 0; r < 4; r++) {
                    runs.add(pool.submit((Callable<AscendBatch>) () -> {
                        start.await();
                        return claimer.claim();
                    }));
                }
                start.countDown();
                List<AscendBatch> claimed = new ArrayList<>();
                for (Future<AscendBatch> run : runs) {
                    AscendBatch batch = run.get();
                    if (batch != null) {
                        claimed.add(batch);
                    }
                }
                assertThat(claimed).hasSize(1);
                db.jdbc.update("update ascend_batch set state = 'DELIVERED'");
                db.jdbc.update("update contact_change set state = 'DELIVERED', batch_id = ? where state = 'READY'",
                        claimed.get(0).batchId());
            }
            assertThat(db.jdbc.queryForObject("select count(*) from ascend_batch", Long.class)).isEqualTo(20);
        } finally {
            pool.shutdownNow();
        }
    }
}
