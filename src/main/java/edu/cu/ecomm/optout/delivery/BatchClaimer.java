package edu.cu.ecomm.optout.delivery;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.SqlTime;

/**
 * Decides what a run delivers, in one transaction: the pending batch an earlier run failed to deliver (same
 * id, same file) comes first; otherwise, if any change is READY, a new batch that takes the READY changes up
 * to the ledger's current high-water id. Every claim first locks the single row of {@code ascend_claim_lock},
 * so two runs that fire at once (two nodes, a recovered trigger) claim one after the other; a new batch is
 * only claimed when none is pending, so a change can land in one batch only. A claimed batch carries a
 * lease, owned by the Quartz scheduler instance of the node that claimed it and renewed by the run for as long as it
 * works on the batch ({@link BatchLease}); while it holds, no other run resumes
 * that batch, except a run Quartz recovered whose lease owner's instance Quartz no longer lists as alive
 * ({@code qrtz_scheduler_state}): Quartz recovers a nightly run only once the instance that ran it is dead and
 * deletes that instance's row first, so the lease a dead run left behind is taken over at once instead of leaving
 * the batch undelivered until the lease runs out. A lease held by a live node ("deliver now" over JMX, or a node
 * Quartz took for dead but which is still running) is respected even by a recovered run.
 *
 * <p>The claim writes one row, not one per change: which changes are in the batch is fixed when its file is
 * built ({@link BatchFileBuilder} records their ids) and they move to DELIVERED when it is marked. Writing
 * a state per change at claim time would cost more than reading and writing the whole batch (see
 * {@code NightlyBatchBenchmark}).
 */
@Component("batchClaimer")
public class BatchClaimer {

    private static final Logger LOG = LoggerFactory.getLogger(BatchClaimer.class);
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Duration lease;
    private final Supplier<String> schedulerInstance;

    @Autowired
    public BatchClaimer(JdbcTemplate jdbc, TransactionTemplate transactions, Clock clock,
                        @Value("${optout.ascend.claim-lease:PT30M}") Duration lease,
                        ObjectProvider<Scheduler> scheduler) {
        this(jdbc, transactions, clock, lease, () -> schedulerInstanceOf(scheduler.getIfAvailable()));
    }

    /** With {@code schedulerInstance} naming this node's Quartz scheduler instance (tests name their own). */
    BatchClaimer(JdbcTemplate jdbc, TransactionTemplate transactions, Clock clock, Duration lease,
                 Supplier<String> schedulerInstance) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.lease = lease;
        this.schedulerInstance = schedulerInstance;
    }

    private static String schedulerInstanceOf(Scheduler scheduler) {
        try {
            return scheduler == null ? "no-scheduler" : scheduler.getSchedulerInstanceId();
        } catch (SchedulerException e) {
            throw new IllegalStateException("Cannot read this node's Quartz scheduler instance id", e);
        }
    }

    /**
     * The batch this run must deliver, or null when there is nothing to deliver (no pending batch and no
     * READY change) or the pending batch is being delivered by another run right now.
     */
    public AscendBatch claim() {
        return claim(false);
    }

    /**
     * As {@link #claim()}; with {@code recovery} true (the run redoes one whose instance died mid-run, which
     * left its lease behind), a pending batch whose lease owner's scheduler instance is no longer alive is taken
     * over even while its lease holds. Null counts as false ("deliver now" and scheduled runs pass none).
     */
    public AscendBatch claim(Boolean recovery) {
        boolean recovering = Boolean.TRUE.equals(recovery);
        return transactions.execute(status -> {
            jdbc.queryForObject("select name from ascend_claim_lock where name = 'ascend-nightly' for update",
                    String.class);
            Instant now = clock.instant();
            String owner = schedulerInstance.get() + "/" + UUID.randomUUID();
            List<AscendBatch> pending = jdbc.query("""
                    select id, created_at, file_name, high_water_id, change_count, row_count, sha256, attempts,
                        lease_until, lease_owner
                    from ascend_batch where state = 'PENDING' order by id limit 1
                    """, (rs, row) -> {
                Instant leaseUntil = SqlTime.instant(rs, "lease_until");
                if (leaseUntil != null && leaseUntil.isAfter(now)
                        && !(recovering && ownerIsDead(rs.getString("lease_owner")))) {
                    return null;
                }
                return new AscendBatch(rs.getLong("id"), SqlTime.instant(rs, "created_at"),
                        rs.getString("file_name"), rs.getLong("high_water_id"), (Integer) rs.getObject("change_count"),
                        (Integer) rs.getObject("row_count"), rs.getString("sha256"), rs.getInt("attempts") + 1, true,
                        owner);
            });
            if (!pending.isEmpty()) {
                AscendBatch resumed = pending.get(0);
                if (resumed == null) {
                    LOG.info("The pending CU Ascend batch is being delivered by another run; nothing to do");
                    return null;
                }
                takeLease(resumed, now);
                if (recovering) {
                    LOG.warn("Recovered run: resuming CU Ascend batch {}, whose run died delivering it",
                            resumed.batchId());
                }
                LOG.info("Resuming CU Ascend batch {} (attempt {})", resumed.batchId(), resumed.attempts());
                return resumed;
            }
            return claimReady(now, owner);
        });
    }

    /**
     * True when the run holding a lease ran on a scheduler instance Quartz no longer lists: Quartz deletes a failed
     * instance's row when it recovers that instance's jobs. A lease of no known instance (claimed before leases
     * named one) counts as dead only for a recovered run, as before.
     */
    private boolean ownerIsDead(String leaseOwner) {
        int slash = leaseOwner == null ? -1 : leaseOwner.lastIndexOf('/');
        if (slash < 0) {
            return true;
        }
        return jdbc.queryForObject("select count(*) from qrtz_scheduler_state where instance_name = ?", Long.class,
                leaseOwner.substring(0, slash)) == 0;
    }

    private void takeLease(AscendBatch batch, Instant now) {
        jdbc.update("update ascend_batch set attempts = ?, last_attempt_at = ?, lease_owner = ?, lease_until = ?"
                        + " where id = ?", batch.attempts(), toSql(now), batch.leaseOwner(),
                toSql(now.plus(lease)), batch.id());
    }

    private AscendBatch claimReady(Instant now, String owner) {
        boolean anyReady = !jdbc.queryForList("select id from contact_change where state = ? limit 1", Long.class,
                ChangeState.READY.name()).isEmpty();
        if (!anyReady) {
            LOG.info("No change is ready for CU Ascend; no batch");
            return null;
        }
        long highWater = jdbc.queryForObject("select max(id) from contact_change", Long.class);
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.update(connection -> {
            PreparedStatement insert = connection.prepareStatement("""
                    insert into ascend_batch (created_at, high_water_id, file_name, state, attempts, last_attempt_at,
                        lease_owner, lease_until)
                    values (?, ?, 'pending', 'PENDING', 1, ?, ?, ?)
                    """, new String[] {"id"});
            insert.setObject(1, toSql(now));
            insert.setLong(2, highWater);
            insert.setObject(3, toSql(now));
            insert.setString(4, owner);
            insert.setObject(5, toSql(now.plus(lease)));
            return insert;
        }, keys);
        long id = keys.getKey().longValue();
        String fileName = fileName(now, id);
        jdbc.update("update ascend_batch set file_name = ? where id = ?", fileName, id);
        LOG.info("Claimed CU Ascend batch {}: the changes ready up to ledger id {}", id, highWater);
        return new AscendBatch(id, now, fileName, highWater, null, null, null, 1, false, owner);
    }

    static String fileName(Instant created, long id) {
        return "optout-" + FILE_TIME.format(created) + "-" + id + ".csv";
    }
}
