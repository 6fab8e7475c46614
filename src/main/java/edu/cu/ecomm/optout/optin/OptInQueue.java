package edu.cu.ecomm.optout.optin;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.commons.lang3.StringUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import edu.cu.ecomm.optout.ledger.BatchUpdates;
import edu.cu.ecomm.optout.ledger.ContactChange;

/**
 * Opt-ins waiting for their Marketing Cloud look-up (table {@code optin_lookup}). The opt-in is READY for
 * CU Ascend before it is queued here, so a look-up that waits never holds the nightly delivery back.
 *
 * <p>A claim moves {@code next_attempt_at} forward by the lease and counts the attempt, row by row with a
 * conditional update, so nodes sharing the database never work on the same opt-in at once and an opt-in
 * whose worker died is claimed again when its lease runs out. A failed look-up is postponed with exponential
 * back-off; nothing is ever dropped.
 */
@Component("optInQueue")
public class OptInQueue {

    private static final Logger LOG = LoggerFactory.getLogger(OptInQueue.class);
    static final String PENDING = "PENDING";
    static final String DONE = "DONE";
    /** Done, then withdrawn because the guard held its opt-in; queued again if it is released. */
    static final String HELD = "HELD";
    /** The most opt-ins one batch's Salesforce query can name (see the constructor). */
    static final int MAX_BATCH_SIZE = 500;

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final int batchSize;
    private final Duration lease;
    private final Duration firstRetry;
    private final Duration maxRetry;

    public OptInQueue(JdbcTemplate jdbc, Clock clock,
                      @Value("${optout.optin.batch-size:250}") int batchSize,
                      @Value("${optout.optin.lease:PT5M}") Duration lease,
                      @Value("${optout.optin.retry-first:PT1M}") Duration firstRetry,
                      @Value("${optout.optin.retry-max:PT1H}") Duration maxRetry) {
        // A batch is read from Salesforce as one SOQL "WHERE Id IN (...)" that camel-salesforce sends as a GET; past
        // about 550 ids its URI passes Salesforce's 16,384 bytes and every batch fails (414) and is postponed forever.
        // Fewer fit with a long field list: OptInBatchQuerySize checks the configured size against the fields.
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("optout.optin.batch-size must be 1 to " + MAX_BATCH_SIZE + ", not "
                    + batchSize + ": a batch is one Salesforce query whose URI holds every contact id");
        }
        this.jdbc = jdbc;
        this.clock = clock;
        this.batchSize = batchSize;
        this.lease = lease;
        this.firstRetry = firstRetry;
        this.maxRetry = maxRetry;
    }

    /**
     * Queues the look-up of an opt-in, due at once; a second call for the same change is a no-op (a change handed
     * over again after a crash is not looked up twice), unless its look-up was withdrawn while the opt-in was held:
     * then it is queued again, as the release asks.
     */
    public void enqueue(ContactChange change) {
        Instant now = clock.instant();
        int requeued = jdbc.update("update optin_lookup set state = ?, attempts = 0, next_attempt_at = ?,"
                + " last_error = null where change_id = ? and state = ?", PENDING, toSql(now), change.id(), HELD);
        if (requeued == 0) {
            jdbc.update("insert into optin_lookup (change_id, contact_id, state, attempts, next_attempt_at,"
                    + " enqueued_at) values (?, ?, ?, 0, ?, ?) on conflict do nothing",
                    change.id(), change.contactId(), PENDING, toSql(now), toSql(now));
        }
    }

    /**
     * Takes the look-ups of these changes off the queue (the data-load guard held their opt-ins): a pending one is
     * deleted, and a look-up already claimed and still running then finds its row gone and records nothing
     * ({@link #complete}); a done one becomes HELD, so that a release queues it again ({@link #enqueue}) and the
     * contact is looked up again, while it still counts as completed (its {@code completed_at} stays). Returns
     * how many were taken off.
     */
    public int withdraw(Collection<Long> changeIds) {
        List<Object[]> ids = changeIds.stream().map(id -> new Object[] {id}).toList();
        return BatchUpdates.rowsChanged(jdbc.batchUpdate("delete from optin_lookup where change_id = ? and state = '"
                + PENDING + "'", ids))
                + BatchUpdates.rowsChanged(jdbc.batchUpdate("update optin_lookup set state = '" + HELD
                + "' where change_id = ? and state = '" + DONE + "'", ids));
    }

    /** Claims up to a batch of due look-ups, oldest first. */
    public List<OptInLookup> claimDue() {
        Instant now = clock.instant();
        List<OptInLookup> due = jdbc.query("select change_id, contact_id, attempts from optin_lookup"
                        + " where state = ? and next_attempt_at <= ? order by next_attempt_at, change_id limit ?",
                (rs, row) -> new OptInLookup(rs.getLong(1), rs.getString(2), rs.getInt(3) + 1),
                PENDING, toSql(now), batchSize);
        List<OptInLookup> claimed = new ArrayList<>(due.size());
        for (OptInLookup lookup : due) {
            int updated = jdbc.update("update optin_lookup set attempts = ?, next_attempt_at = ?"
                            + " where change_id = ? and state = ? and attempts = ? and next_attempt_at <= ?",
                    lookup.attempts(), toSql(now.plus(lease)), lookup.changeId(), PENDING, lookup.attempts() - 1,
                    toSql(now));
            if (updated == 1) {
                claimed.add(lookup);
            }
        }
        return claimed;
    }

    /** The subscriber keys of a batch, each once. */
    public List<String> contactIds(Collection<OptInLookup> batch) {
        return batch.stream().map(OptInLookup::contactId).distinct().toList();
    }

    /**
     * Marks a look-up done if it is still pending; joins the caller's transaction (the one storing its outcome),
     * which calls it before storing anything: false means the look-up is no longer this worker's to record, and
     * nothing may be. Its row is gone when the data-load guard held the opt-in meanwhile ({@link #withdraw}; a
     * release queues it again), or done when another node claimed it after this worker's lease ran out. The row
     * lock it takes orders it with a concurrent withdraw: whichever commits second sees the other's work.
     */
    public boolean complete(long changeId) {
        return jdbc.update("update optin_lookup set state = ?, completed_at = ?, last_error = null"
                + " where change_id = ? and state = ?", DONE, toSql(clock.instant()), changeId, PENDING) == 1;
    }

    /** Puts a batch back with back-off after Salesforce or Marketing Cloud failed; the opt-ins stay pending. */
    public void postpone(Collection<OptInLookup> batch, Throwable error) {
        if (batch == null || batch.isEmpty()) {
            return;
        }
        String reason = describe(error);
        Instant now = clock.instant();
        for (OptInLookup lookup : batch) {
            Duration wait = backOff(lookup.attempts());
            jdbc.update("update optin_lookup set next_attempt_at = ?, last_error = ? where change_id = ? and state = ?",
                    toSql(now.plus(wait)), reason, lookup.changeId(), PENDING);
        }
        LOG.warn("Marketing Cloud look-up of {} opt-in(s) postponed: {}", batch.size(), reason);
    }

    /** First retry after {@code retry-first}, doubling per attempt up to {@code retry-max}. */
    Duration backOff(int attempts) {
        Duration wait = firstRetry;
        for (int i = 1; i < attempts && wait.compareTo(maxRetry) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxRetry) > 0 ? maxRetry : wait;
    }

    public long countPending() {
        return jdbc.queryForObject("select count(*) from optin_lookup where state = ?", Long.class, PENDING);
    }

    private static String describe(Throwable error) {
        if (error == null) {
            return "unknown";
        }
        String text = error.getClass().getSimpleName() + ": " + error.getMessage();
        return StringUtils.abbreviate(text, 4000);
    }
}
