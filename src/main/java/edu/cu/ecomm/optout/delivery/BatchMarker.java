package edu.cu.ecomm.optout.delivery;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import edu.cu.ecomm.optout.ledger.ChangeState;

/**
 * Records the outcome of a delivery. Only after CU Ascend's endpoint accepted the file, in one transaction:
 * the batch and its changes become DELIVERED and {@code contact_state} takes each contact's delivered value.
 * After a failure the batch stays PENDING with the error, and its lease is released so the next run
 * delivers it again before anything newer.
 */
@Component("batchMarker")
public class BatchMarker {

    private static final Logger LOG = LoggerFactory.getLogger(BatchMarker.class);
    private static final int UPSERT_BATCH = 500;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final BatchCollapser collapser;
    private final Clock clock;

    public BatchMarker(JdbcTemplate jdbc, TransactionTemplate transactions, BatchCollapser collapser, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.collapser = collapser;
        this.clock = clock;
    }

    /** The batch was delivered: marks it, its changes and the contacts' last known values. */
    public void markDelivered(AscendBatch batch) {
        transactions.executeWithoutResult(status -> {
            Instant now = clock.instant();
            int updated = jdbc.update("update ascend_batch set state = 'DELIVERED', delivered_at = ?,"
                    + " last_error = null, lease_owner = null, lease_until = null where id = ? and state = 'PENDING'",
                    toSql(now), batch.id());
            if (updated != 1) {
                throw new IllegalStateException("Batch " + batch.batchId() + " is not pending any more");
            }
            int changes = jdbc.update("update contact_change set state = ? where batch_id = ? and state = ?",
                    ChangeState.DELIVERED.name(), batch.batchId(), ChangeState.BATCHED.name());
            List<Object[]> rows = new ArrayList<>(UPSERT_BATCH);
            collapser.collapse(batch.batchId(), change -> {
                rows.add(new Object[] {change.contactId(), change.optedOut(), toSql(change.changedAt())});
                if (rows.size() == UPSERT_BATCH) {
                    upsert(rows);
                }
            });
            upsert(rows);
            LOG.info("Batch {} delivered: {} changes marked DELIVERED", batch.batchId(), changes);
        });
    }

    /** Delivery failed (or the run stopped): the batch stays pending for the next run. */
    public void markFailed(AscendBatch batch, Throwable error) {
        if (batch == null) {
            LOG.warn("CU Ascend delivery run failed before a batch was claimed: {}", String.valueOf(error));
            return;
        }
        String reason = error == null ? "unknown" : error.getClass().getName() + ": " + error.getMessage();
        if (reason.length() > 4000) {
            reason = reason.substring(0, 3997) + "...";
        }
        jdbc.update("update ascend_batch set last_error = ?, lease_owner = null, lease_until = null"
                + " where id = ? and state = 'PENDING' and lease_owner = ?", reason, batch.id(), batch.leaseOwner());
        LOG.warn("Batch {} not delivered (attempt {}); it stays pending for the next run: {}",
                batch.batchId(), batch.attempts(), reason);
    }

    /** Last known value per contact: never moves a contact back to an older value than it holds. */
    private void upsert(List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        jdbc.batchUpdate("""
                merge into contact_state s
                using (select cast(? as varchar(18)) as contact_id, cast(? as boolean) as opted_out,
                              cast(? as timestamp with time zone) as updated_at) v
                on s.contact_id = v.contact_id
                when matched and s.updated_at <= v.updated_at then
                    update set opted_out = v.opted_out, updated_at = v.updated_at
                when not matched then
                    insert (contact_id, opted_out, updated_at) values (v.contact_id, v.opted_out, v.updated_at)
                """, rows);
        rows.clear();
    }
}
