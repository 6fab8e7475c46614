package edu.cu.ecomm.optout.delivery;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import edu.cu.ecomm.optout.ops.CrashPoints;
import org.apache.commons.lang3.StringUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import edu.cu.ecomm.optout.ledger.BatchUpdates;
import edu.cu.ecomm.optout.ledger.ChangeState;

/**
 * Records the outcome of a delivery. Only after CU Ascend's endpoint accepted the file, in one transaction:
 * the batch becomes DELIVERED, exactly the changes the file was built from become DELIVERED with the batch
 * id, and {@code contact_state} takes each contact's delivered value. After a failure the batch stays
 * PENDING with the error, and its lease is released so the next run delivers it again before anything newer.
 * Both only while the run still holds the batch's lease: a batch another run took over is left to that run.
 */
@Component("batchMarker")
public class BatchMarker {

    private static final Logger LOG = LoggerFactory.getLogger(BatchMarker.class);
    private static final int UPDATE_BATCH = 1_000;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    public BatchMarker(JdbcTemplate jdbc, TransactionTemplate transactions, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** The batch was delivered: marks it, its changes and the contacts' last known values. */
    public void markDelivered(AscendBatch batch) {
        CrashPoints.reach("before-marking");
        transactions.executeWithoutResult(status -> {
            Instant now = clock.instant();
            // Only while the batch is still this run's: a run that was taken over mid-delivery leaves the batch,
            // and what CU Ascend was last sent of it, to the run that took it over (BatchLease).
            int updated = jdbc.update("update ascend_batch set state = 'DELIVERED', delivered_at = ?,"
                    + " last_error = null, lease_owner = null, lease_until = null"
                    + " where id = ? and state = 'PENDING' and member_ids is not null and lease_owner = ?",
                    toSql(now), batch.id(), batch.leaseOwner());
            if (updated != 1) {
                throw notMarkable(batch);
            }
            byte[] members = jdbc.queryForObject("select member_ids from ascend_batch where id = ?", byte[].class,
                    batch.id());
            long[] marked = {0};
            List<Object[]> rows = new ArrayList<>(UPDATE_BATCH);
            long count = MemberIds.decode(members, id -> {
                rows.add(new Object[] {batch.batchId(), id});
                if (rows.size() == UPDATE_BATCH) {
                    marked[0] += markChanges(rows);
                }
            });
            marked[0] += markChanges(rows);
            if (marked[0] != count) {
                LOG.warn("Batch {}: {} of its {} changes were no longer READY (held or changed by an admin) and keep"
                        + " their state", batch.batchId(), count - marked[0], count);
            }
            int contacts = updateContactState(batch.batchId());
            LOG.info("Batch {} delivered: {} changes DELIVERED, last known value of {} contacts updated",
                    batch.batchId(), marked[0], contacts);
        });
    }

    /** Delivery failed (or the run stopped): the batch stays pending for the next run. */
    public void markFailed(AscendBatch batch, Throwable error) {
        if (batch == null) {
            LOG.warn("CU Ascend delivery run failed before a batch was claimed: {}", String.valueOf(error));
            return;
        }
        String reason = StringUtils.abbreviate(describe(error), 4000);
        // Only this run's lease is released, and only its own error recorded: a batch another run took over is that
        // run's to deliver and to report on.
        int released = jdbc.update("update ascend_batch set last_error = ?, lease_owner = null, lease_until = null"
                + " where id = ? and state = 'PENDING' and lease_owner = ?", reason, batch.id(), batch.leaseOwner());
        if (released == 0) {
            LOG.warn("Batch {} not delivered by this run (attempt {}), and no longer this run's to release: {}",
                    batch.batchId(), batch.attempts(), reason);
            return;
        }
        LOG.warn("Batch {} not delivered (attempt {}); it stays pending for the next run: {}",
                batch.batchId(), batch.attempts(), reason);
    }

    /** Why {@code batch} cannot be marked: another run took it over, or it is not pending with a built file. */
    private IllegalStateException notMarkable(AscendBatch batch) {
        boolean pendingAndBuilt = jdbc.queryForObject("select count(*) from ascend_batch where id = ?"
                + " and state = 'PENDING' and member_ids is not null", Long.class, batch.id()) == 1;
        if (pendingAndBuilt) {
            return BatchLease.takenOver(jdbc, batch, "this run marks nothing and leaves the batch to that run");
        }
        return new IllegalStateException("Batch " + batch.batchId() + " is not pending with a built file");
    }

    /** The error and its causes, e.g. "cannot connect; caused by: HostKey has been changed", for an operator. */
    static String describe(Throwable error) {
        if (error == null) {
            return "unknown";
        }
        StringBuilder text = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            if (!text.isEmpty()) {
                text.append("; caused by ");
            }
            text.append(t.getClass().getName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }

    private long markChanges(List<Object[]> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        long marked = BatchUpdates.rowsChanged(jdbc.batchUpdate("update contact_change set state = '"
                + ChangeState.DELIVERED.name() + "', batch_id = ? where id = ? and state = '" + ChangeState.READY.name()
                + "'", rows));
        rows.clear();
        return marked;
    }

    /**
     * Each contact's last delivered value (the same collapse order as the file); never moves a contact back
     * to an older value than the one it holds.
     */
    private int updateContactState(String batchId) {
        return jdbc.update("""
                merge into contact_state s
                using (select c.contact_id, c.opted_out, c.commit_timestamp as updated_at
                       from contact_change c
                       where c.batch_id = ?
                         and not exists (
                             select 1 from contact_change d
                             where d.batch_id = c.batch_id and d.contact_id = c.contact_id
                               and (d.commit_timestamp > c.commit_timestamp
                                    or (d.commit_timestamp = c.commit_timestamp
                                        and (coalesce(d.sequence_number, 2147483647) > coalesce(c.sequence_number, 2147483647)
                                             or (coalesce(d.sequence_number, 2147483647) = coalesce(c.sequence_number, 2147483647)
                                                 and d.id > c.id)))))) v
                on s.contact_id = v.contact_id
                when matched and s.updated_at <= v.updated_at then
                    update set opted_out = v.opted_out, updated_at = v.updated_at
                when not matched then
                    insert (contact_id, opted_out, updated_at) values (v.contact_id, v.opted_out, v.updated_at)
                """, batchId);
    }
}
