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

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.SqlTime;

/**
 * Decides what a run delivers, in one transaction: the pending batch an earlier run failed to deliver (same
 * id, same content) comes first; otherwise every READY change is claimed into a new batch and becomes
 * BATCHED. Every claim first locks the single row of {@code ascend_claim_lock}, so two runs that fire at
 * once (two nodes, a recovered trigger) claim one after the other and each change lands in exactly one
 * batch. A claimed batch carries a lease; while it holds, no other run resumes that batch.
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

    public BatchClaimer(JdbcTemplate jdbc, TransactionTemplate transactions, Clock clock,
                        @Value("${optout.ascend.claim-lease:PT30M}") Duration lease) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.lease = lease;
    }

    /**
     * The batch this run must deliver, or null when there is nothing to deliver (no pending batch and no
     * READY change) or the pending batch is being delivered by another run right now.
     */
    public AscendBatch claim() {
        return transactions.execute(status -> {
            jdbc.queryForObject("select name from ascend_claim_lock where name = 'ascend-nightly' for update",
                    String.class);
            Instant now = clock.instant();
            String owner = UUID.randomUUID().toString();
            List<AscendBatch> pending = jdbc.query("""
                    select id, created_at, file_name, change_count, row_count, sha256, attempts, lease_until
                    from ascend_batch where state = 'PENDING' order by id limit 1
                    """, (rs, row) -> {
                Instant leaseUntil = SqlTime.instant(rs, "lease_until");
                if (leaseUntil != null && leaseUntil.isAfter(now)) {
                    return null;
                }
                return new AscendBatch(rs.getLong("id"), SqlTime.instant(rs, "created_at"),
                        rs.getString("file_name"), rs.getInt("change_count"), (Integer) rs.getObject("row_count"),
                        rs.getString("sha256"), rs.getInt("attempts") + 1, true, owner);
            });
            if (!pending.isEmpty()) {
                AscendBatch resumed = pending.get(0);
                if (resumed == null) {
                    LOG.info("The pending CU Ascend batch is being delivered by another run; nothing to do");
                    return null;
                }
                takeLease(resumed, now);
                LOG.info("Resuming CU Ascend batch {} ({} changes, attempt {})", resumed.batchId(),
                        resumed.changeCount(), resumed.attempts());
                return resumed;
            }
            AscendBatch created = claimReady(now, owner);
            if (created == null) {
                status.setRollbackOnly();
                LOG.info("No change is ready for CU Ascend; no batch");
            }
            return created;
        });
    }

    private void takeLease(AscendBatch batch, Instant now) {
        jdbc.update("update ascend_batch set attempts = ?, last_attempt_at = ?, lease_owner = ?, lease_until = ?"
                        + " where id = ?", batch.attempts(), toSql(now), batch.leaseOwner(),
                toSql(now.plus(lease)), batch.id());
    }

    private AscendBatch claimReady(Instant now, String owner) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.update(connection -> {
            PreparedStatement insert = connection.prepareStatement("""
                    insert into ascend_batch (created_at, change_count, file_name, state, attempts, last_attempt_at,
                        lease_owner, lease_until)
                    values (?, 0, 'pending', 'PENDING', 1, ?, ?, ?)
                    """, new String[] {"id"});
            insert.setObject(1, toSql(now));
            insert.setObject(2, toSql(now));
            insert.setString(3, owner);
            insert.setObject(4, toSql(now.plus(lease)));
            return insert;
        }, keys);
        long id = keys.getKey().longValue();
        int changes = jdbc.update("update contact_change set state = ?, batch_id = ? where state = ?",
                ChangeState.BATCHED.name(), Long.toString(id), ChangeState.READY.name());
        if (changes == 0) {
            return null;
        }
        String fileName = fileName(now, id);
        jdbc.update("update ascend_batch set change_count = ?, file_name = ? where id = ?", changes, fileName, id);
        LOG.info("Claimed {} ready changes into CU Ascend batch {}", changes, id);
        return new AscendBatch(id, now, fileName, changes, null, null, 1, false, owner);
    }

    static String fileName(Instant created, long id) {
        return "optout-" + FILE_TIME.format(created) + "-" + id + ".csv";
    }
}
