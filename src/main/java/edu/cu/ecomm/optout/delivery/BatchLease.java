package edu.cu.ecomm.optout.delivery;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps a claimed batch leased to the run delivering it for as long as that run works on it. The claim leases the
 * batch for {@code optout.ascend.claim-lease} ({@link BatchClaimer}); a run can take longer than that (a hung SFTP
 * server, a slow Salesforce enrich, retries with back-off), and another run ("deliver now" on any node, the next
 * night) would then resume the batch while the first still delivers it. So:
 * <ul>
 * <li>while the run lasts, a heartbeat extends its lease every third of the lease, only while the run still owns
 * it; the heartbeat ends with the run (its exchange completes, whether it delivered, failed or was stopped), and on
 * its own once the run has given the batch up (marked delivered, or failed and released) or lost it;</li>
 * <li>before each send the run confirms it still owns the batch ({@link #confirm}); a run whose batch was taken
 * over meanwhile (its node could not renew for a whole lease: database unreachable, a pause longer than the lease,
 * or Quartz took the node for dead) stops there with a {@link BatchTakenOverException}.</li>
 * </ul>
 * A run that dies stops renewing with its process, so its lease runs out (or its recovered redo takes it over)
 * as before.
 */
@Component("batchLease")
public class BatchLease implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(BatchLease.class);

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Duration lease;
    private final Duration renewEvery;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "ascend-lease-heartbeat");
        thread.setDaemon(true);
        return thread;
    });

    @Autowired
    public BatchLease(JdbcTemplate jdbc, Clock clock,
                      @Value("${optout.ascend.claim-lease:PT30M}") Duration lease) {
        // A third of the lease: two renewals may fail (a database hiccup) before another run could take over.
        this(jdbc, clock, lease, lease.dividedBy(3));
    }

    /** With the heartbeat's period given (tests renew faster than their clock moves). */
    BatchLease(JdbcTemplate jdbc, Clock clock, Duration lease, Duration renewEvery) {
        // Refused at start-up rather than at the first run: a lease of nothing could not be renewed in time.
        if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("optout.ascend.claim-lease must be at least PT1S, is " + lease);
        }
        this.jdbc = jdbc;
        this.clock = clock;
        this.lease = lease;
        this.renewEvery = renewEvery;
    }

    /** The route's step: keeps the batch leased to this run until {@code run} (the exchange) completes. */
    public void keepForTheRun(AscendBatch batch, Exchange run) {
        Heartbeat heartbeat = keep(batch);
        run.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange exchange) {
                heartbeat.stop();
            }
        });
    }

    /** Renews the batch's lease every {@code renewEvery} while this run owns it, until stopped. */
    Heartbeat keep(AscendBatch batch) {
        Heartbeat heartbeat = new Heartbeat(batch);
        heartbeat.start();
        return heartbeat;
    }

    /**
     * Extends this run's lease now, or refuses when the batch is no longer this run's: the route's step before each
     * send, so that a run sends nothing of a batch another run has taken over.
     *
     * @throws BatchTakenOverException when another run took the batch over (or delivered it)
     */
    public void confirm(AscendBatch batch, String nextStep) {
        if (!renew(batch)) {
            throw takenOver(jdbc, batch, "this run stops before " + nextStep);
        }
    }

    /** True when the lease was extended: the batch is still pending and this run's. */
    private boolean renew(AscendBatch batch) {
        return jdbc.update("update ascend_batch set lease_until = ? where id = ? and state = 'PENDING'"
                + " and lease_owner = ?", toSql(clock.instant().plus(lease)), batch.id(), batch.leaseOwner()) == 1;
    }

    /** Why {@code batch} is no longer this run's, as the exception the run stops with. */
    static BatchTakenOverException takenOver(JdbcTemplate jdbc, AscendBatch batch, String whatThisRunDoes) {
        Map<String, Object> now = jdbc.queryForMap("select state, lease_owner from ascend_batch where id = ?",
                batch.id());
        Object owner = now.get("lease_owner");
        String holder = "DELIVERED".equals(now.get("state")) ? "which has delivered it"
                : owner == null ? "which has given it up since" : "lease owner now " + owner;
        return new BatchTakenOverException(batch, holder, whatThisRunDoes);
    }

    @Override
    public void destroy() {
        heartbeats.shutdownNow();
    }

    /** One run's renewals of one batch's lease. */
    final class Heartbeat {

        private final AscendBatch batch;
        // Both guarded by this: once stop() returns, no renewal of this heartbeat is under way or to come.
        private ScheduledFuture<?> renewals;
        private boolean stopped;

        private Heartbeat(AscendBatch batch) {
            this.batch = batch;
        }

        private synchronized void start() {
            renewals = heartbeats.scheduleWithFixedDelay(this::beat, renewEvery.toMillis(), renewEvery.toMillis(),
                    TimeUnit.MILLISECONDS);
        }

        /**
         * Renews the lease; ends the heartbeat once the run no longer owns the batch. Never throws: a failed
         * renewal (the database away for a moment) is tried again at the next beat.
         */
        private synchronized void beat() {
            if (stopped) {
                return;
            }
            try {
                if (!renew(batch)) {
                    LOG.debug("Batch {} is no longer leased to run {}; its heartbeat ends", batch.batchId(),
                            batch.leaseOwner());
                    stop();
                }
            } catch (RuntimeException e) {
                LOG.warn("Batch {}: could not renew the lease of run {} ({}); trying again in {}", batch.batchId(),
                        batch.leaseOwner(), e.toString(), renewEvery);
            }
        }

        /** Ends the renewals; the lease then runs out unless the run gave the batch up already. */
        synchronized void stop() {
            stopped = true;
            renewals.cancel(false);
        }

        synchronized boolean isRunning() {
            return !stopped;
        }
    }
}
