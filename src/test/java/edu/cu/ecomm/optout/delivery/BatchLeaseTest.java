package edu.cu.ecomm.optout.delivery;

import static edu.cu.ecomm.optout.delivery.DeliveryDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A run's lease on its batch, with the database's clock moved by hand and a heartbeat every 20 ms of real time: a
 * beat renews the lease to the (hand-moved) clock plus 30 minutes.
 */
class BatchLeaseTest {

    private static final Duration LEASE = Duration.ofMinutes(30);
    private static final Duration BEATS_FOR_A_WHILE = Duration.ofMillis(300);

    @AutoClose
    private final DeliveryDatabase db = new DeliveryDatabase();
    private final BatchClaimer thisNode = new BatchClaimer(db.jdbc, db.transactions, db.clock, LEASE,
            () -> "this-node");
    private final BatchClaimer otherNode = new BatchClaimer(db.jdbc, db.transactions, db.clock, LEASE,
            () -> "other-node");
    private final BatchLease lease = new BatchLease(db.jdbc, db.clock, LEASE, Duration.ofMillis(20));
    private final Instant t0 = Instant.parse("2026-11-26T16:00:00Z");
    private final Logger leaseLog = (Logger) LoggerFactory.getLogger(BatchLease.class);

    @AfterEach
    void stopHeartbeats() {
        lease.destroy();
    }

    @Test
    void aRunSlowerThanItsLeaseKeepsItsBatchWhileItsHeartbeatRuns() {
        db.ready(contact(1), true, t0, 1);
        AscendBatch delivering = thisNode.claim();
        lease.keep(delivering);

        db.clock.advance(LEASE.plusMinutes(1)); // the lease the claim took has run out
        await().atMost(Duration.ofSeconds(10)).until(() -> leaseUntil(delivering).isAfter(db.clock.instant()));

        assertThat(otherNode.claim()).as("no other run resumes the batch").isNull();
        assertThat(leaseOwner(delivering)).isEqualTo(delivering.leaseOwner());
    }

    @Test
    void aStoppedHeartbeatRenewsNoMoreSoTheLeaseRunsOut() {
        db.ready(contact(1), true, t0, 1);
        AscendBatch delivering = thisNode.claim();
        BatchLease.Heartbeat heartbeat = lease.keep(delivering);
        db.clock.advance(Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> leaseUntil(delivering).equals(db.clock.instant().plus(LEASE)));

        heartbeat.stop();
        db.clock.advance(LEASE.plusMinutes(1));

        await().during(BEATS_FOR_A_WHILE).atMost(BEATS_FOR_A_WHILE.multipliedBy(3))
                .until(() -> leaseUntil(delivering).isBefore(db.clock.instant()));
        assertThat(otherNode.claim().id()).isEqualTo(delivering.id());
    }

    @Test
    void theHeartbeatEndsOnItsOwnOnceTheRunHasGivenTheBatchUp() {
        db.ready(contact(1), true, t0, 1);
        AscendBatch delivering = thisNode.claim();
        BatchLease.Heartbeat heartbeat = lease.keep(delivering);

        new BatchMarker(db.jdbc, db.transactions, db.clock).markFailed(delivering,
                new java.io.IOException("connection refused"));

        await().atMost(Duration.ofSeconds(10)).until(() -> !heartbeat.isRunning());
        assertThat(db.jdbc.queryForObject("select lease_until from ascend_batch", OffsetDateTime.class)).isNull();
    }

    @Test
    void theHeartbeatEndsWithItsRunEvenWhenTheRunEndsStillHoldingTheBatch() throws Exception {
        db.ready(contact(1), true, t0, 1);
        AscendBatch delivering = thisNode.claim();
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("batchLease", lease);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // A run that breaks off without releasing its lease (its error handler itself failed, say).
                    from("direct:run").bean("batchLease", "keepForTheRun(${body}, ${exchange})")
                            .throwException(new IllegalStateException("the run breaks off"));
                }
            });
            camel.start();
            assertThatThrownBy(() -> camel.createProducerTemplate().sendBody("direct:run", delivering))
                    .hasRootCauseMessage("the run breaks off");
        }

        db.clock.advance(LEASE.plusMinutes(1));

        await().during(BEATS_FOR_A_WHILE).atMost(BEATS_FOR_A_WHILE.multipliedBy(3))
                .until(() -> leaseUntil(delivering).isBefore(db.clock.instant()));
        assertThat(otherNode.claim().id()).as("the batch goes to the next run once its lease ran out")
                .isEqualTo(delivering.id());
    }

    @Test
    void aRenewalTheDatabaseRefusesIsTriedAgainAtTheNextBeat() {
        db.ready(contact(1), true, t0, 1);
        AscendBatch delivering = thisNode.claim();
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        leaseLog.addAppender(logged);
        try {
            BatchLease.Heartbeat heartbeat = lease.keep(delivering);
            db.jdbc.execute("alter table ascend_batch rename to ascend_batch_away");
            db.clock.advance(Duration.ofMinutes(10));
            await().atMost(Duration.ofSeconds(10)).until(() -> logged(logged, "could not renew the lease"));

            db.jdbc.execute("alter table ascend_batch_away rename to ascend_batch");

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> leaseUntil(delivering).equals(db.clock.instant().plus(LEASE)));
            assertThat(heartbeat.isRunning()).isTrue();
        } finally {
            leaseLog.detachAppender(logged);
        }
    }

    @Test
    void confirmingExtendsTheLeaseOfTheRunThatHoldsTheBatch() {
        db.ready(contact(1), true, t0, 1);
        AscendBatch delivering = thisNode.claim();
        db.clock.advance(Duration.ofMinutes(20));

        lease.confirm(delivering, "sending its file");

        assertThat(leaseUntil(delivering)).isEqualTo(db.clock.instant().plus(LEASE));
    }

    @Test
    void aRunWhoseBatchWasTakenOverIsStoppedBeforeItsNextSend() {
        db.ready(contact(1), true, t0, 1);
        AscendBatch slow = thisNode.claim();
        db.clock.advance(LEASE.plusMinutes(1)); // its node could not renew: the database was out of its reach
        AscendBatch takenOver = otherNode.claim();
        Instant takenOverUntil = leaseUntil(takenOver);

        assertThatThrownBy(() -> lease.confirm(slow, "sending its manifest"))
                .isInstanceOf(BatchTakenOverException.class)
                .hasMessage("batch " + slow.batchId() + " was taken over by another run (lease owner now "
                        + takenOver.leaseOwner() + ") while this run (" + slow.leaseOwner()
                        + ") was delivering it; this run stops before sending its manifest");
        assertThat(leaseOwner(slow)).isEqualTo(takenOver.leaseOwner());
        assertThat(leaseUntil(slow)).isEqualTo(takenOverUntil);
    }

    @Test
    void aRunWhoseBatchAnotherRunHasDeliveredIsToldSo() {
        db.ready(contact(1), true, t0, 1);
        AscendBatch slow = thisNode.claim();
        db.jdbc.update("update ascend_batch set state = 'DELIVERED', lease_owner = null, lease_until = null");

        assertThatThrownBy(() -> lease.confirm(slow, "sending its file"))
                .isInstanceOf(BatchTakenOverException.class)
                .hasMessageContaining("was taken over by another run (which has delivered it)");
    }

    @Test
    void aLeaseShorterThanASecondIsRefusedAtStartUp() {
        assertThatThrownBy(() -> new BatchLease(db.jdbc, db.clock, Duration.ofMillis(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("optout.ascend.claim-lease must be at least PT1S, is PT0.002S");
    }

    /** Whether a line containing {@code text} was logged (the appender appends under its own lock). */
    private static boolean logged(ListAppender<ILoggingEvent> appender, String text) {
        synchronized (appender) {
            return appender.list.stream().anyMatch(line -> line.getFormattedMessage().contains(text));
        }
    }

    private Instant leaseUntil(AscendBatch batch) {
        OffsetDateTime until = db.jdbc.queryForObject("select lease_until from ascend_batch where id = ?",
                OffsetDateTime.class, batch.id());
        return until == null ? null : until.toInstant();
    }

    private String leaseOwner(AscendBatch batch) {
        return db.jdbc.queryForObject("select lease_owner from ascend_batch where id = ?", String.class, batch.id());
    }
}
