package edu.cu.ecomm.optout.guard;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.DeadLetterReplayer;
import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import org.apache.commons.lang3.StringUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes Email Opt Out = true back to Salesforce for rejected opt-ins (with {@code optout.guard.restore-on-reject}),
 * through the route data-load-guard-restore: a batch of up to 200 contacts per sObject Collections update, the
 * queue in {@code guard_resolution.restore_state}. A failure (Salesforce down, a record refused) is retried with
 * back-off; after {@code optout.guard.restore.attempts} attempts the restore becomes a dead letter an operator sees
 * (and may replay from the DeadLetters MBean, which queues it again).
 *
 * <p>The switch is read again whenever restores come due, not only at reject time: with it off, no restore is written,
 * however long ago it was queued (an admin turns it off because writing back was wrong). Queued restores are then
 * marked {@code SWITCHED_OFF} and kept; {@link #requeueSwitchedOff} queues them again once it is back on.
 *
 * <p>The written opt-out comes back as a change event like any other and flows to CU Ascend, which already has the
 * opt-out (the rejected opt-in never went there): both systems then agree.
 */
@Component("optOutRestores")
public class OptOutRestores implements DeadLetterReplayer {

    static final String ROUTE_ID = "data-load-guard-restore";
    /** Salesforce's sObject Collections limit. */
    static final int BATCH = 200;
    /** The restore state of a restore that came due while {@code optout.guard.restore-on-reject} was off. */
    static final String SWITCHED_OFF = "SWITCHED_OFF";

    private static final Logger LOG = LoggerFactory.getLogger(OptOutRestores.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One contact to restore: the rejected change, its contact and the attempt this is. */
    public record Restore(long changeId, String contactId, int attempt) {
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final DeadLetters deadLetters;
    private final TransactionTemplate transaction;
    private final int maxAttempts;
    private final Duration firstRetry;
    private final Duration lease;
    private final boolean restoreOnReject;

    public OptOutRestores(JdbcTemplate jdbc, Clock clock, DeadLetters deadLetters, TransactionTemplate transaction,
                          @Value("${optout.guard.restore.attempts:5}") int maxAttempts,
                          @Value("${optout.guard.restore.retry-first:PT1M}") Duration firstRetry,
                          @Value("${optout.guard.restore-on-reject:false}") boolean restoreOnReject) {
        this.restoreOnReject = restoreOnReject;
        this.jdbc = jdbc;
        this.clock = clock;
        this.deadLetters = deadLetters;
        this.transaction = transaction;
        this.maxAttempts = maxAttempts;
        this.firstRetry = firstRetry;
        this.lease = Duration.ofMinutes(5);
    }

    /**
     * Claims up to a batch of due restores (moves each one's due time past a lease, counting the attempt). With
     * {@code optout.guard.restore-on-reject} off, claims none and marks every queued restore SWITCHED_OFF instead.
     */
    public List<Restore> claimDue() {
        if (!restoreOnReject) {
            switchOffQueued();
            return List.of();
        }
        Instant now = clock.instant();
        // A change the contact made since the reject (an opt-out, or a person opting them in) is Salesforce's truth.
        jdbc.update("""
                update guard_resolution set restore_state = 'SKIPPED',
                    restore_error = 'the contact has a later change; Salesforce keeps it'
                where restore_state = 'PENDING' and exists (
                    select 1 from contact_change c, contact_change l
                    where c.id = guard_resolution.change_id and l.contact_id = c.contact_id and l.id > c.id
                      and l.state not in (?, ?) and l.commit_timestamp >= c.commit_timestamp)
                """, ChangeState.REJECTED.name(), ChangeState.SUPERSEDED.name());
        List<Restore> due = jdbc.query("""
                select change_id, contact_id, restore_attempts from guard_resolution
                where restore_state = 'PENDING' and restore_next_at <= ? order by restore_next_at, change_id limit ?
                """, (rs, row) -> new Restore(rs.getLong(1), rs.getString(2), rs.getInt(3) + 1), toSql(now), BATCH);
        List<Restore> claimed = new ArrayList<>();
        for (Restore restore : due) {
            if (jdbc.update("""
                    update guard_resolution set restore_attempts = ?, restore_next_at = ?
                    where change_id = ? and restore_state = 'PENDING' and restore_attempts = ?
                    """, restore.attempt(), toSql(now.plus(lease)), restore.changeId(), restore.attempt() - 1) == 1) {
                claimed.add(restore);
            }
        }
        return claimed;
    }

    /** The sObject Collections update: Email Opt Out true for each contact, each saved or refused on its own. */
    public String request(List<Restore> batch) throws JsonProcessingException {
        List<Map<String, Object>> records = new ArrayList<>();
        for (Restore restore : batch) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("attributes", Map.of("type", "Contact"));
            record.put("id", restore.contactId());
            record.put("HasOptedOutOfEmail", true);
            records.add(record);
        }
        return JSON.writeValueAsString(Map.of("allOrNone", false, "records", records));
    }

    /** Reads Salesforce's answer, one result per record in request order: saved ones are done, refused ones retried. */
    public void completed(List<Restore> batch, String response) throws JsonProcessingException {
        JsonNode results = JSON.readTree(response);
        transaction.executeWithoutResult(tx -> {
            Instant now = clock.instant();
            for (int i = 0; i < batch.size(); i++) {
                JsonNode result = results.path(i);
                Restore restore = batch.get(i);
                if (result.path("success").asBoolean(false)) {
                    jdbc.update("""
                            update guard_resolution set restore_state = 'DONE', restored_at = ?, restore_error = null
                            where change_id = ?
                            """, toSql(now), restore.changeId());
                } else {
                    failed(restore, "Salesforce refused the update: " + result.path("errors"), now);
                }
            }
        });
        LOG.info("Data-load guard: Email Opt Out written back to Salesforce for {} rejected opt-in(s)", batch.size());
    }

    /** The whole call failed (Salesforce down, session, network): every restore of the batch waits and retries. */
    public void failed(List<Restore> batch, Throwable error) {
        if (batch == null || batch.isEmpty()) {
            return;
        }
        String reason = error == null ? "unknown" : error.getClass().getSimpleName() + ": " + error.getMessage();
        transaction.executeWithoutResult(tx -> {
            Instant now = clock.instant();
            batch.forEach(restore -> failed(restore, reason, now));
        });
        LOG.warn("Data-load guard: writing Email Opt Out back to Salesforce failed for {} contact(s): {}",
                batch.size(), reason);
    }

    private void failed(Restore restore, String reason, Instant now) {
        String error = StringUtils.abbreviate(reason, 4000);
        if (restore.attempt() >= maxAttempts) {
            jdbc.update("update guard_resolution set restore_state = 'FAILED', restore_error = ? where change_id = ?",
                    error, restore.changeId());
            deadLetters.record(ROUTE_ID, "could not write Email Opt Out = true back to Salesforce for the rejected"
                    + " opt-in " + restore.changeId() + " after " + restore.attempt() + " attempt(s): " + error,
                    Long.toString(restore.changeId()), null, null, restore.contactId());
            return;
        }
        Duration wait = firstRetry.multipliedBy(1L << Math.min(restore.attempt() - 1, 10));
        jdbc.update("update guard_resolution set restore_next_at = ?, restore_error = ? where change_id = ?",
                toSql(now.plus(wait)), error, restore.changeId());
    }

    /** Restores queued while write-backs were on are not written once they are off: they are kept, marked so. */
    private void switchOffQueued() {
        int switchedOff = jdbc.update("update guard_resolution set restore_state = ?, restore_error = ?"
                + " where restore_state = 'PENDING'", SWITCHED_OFF, SWITCHED_OFF_REASON);
        if (switchedOff > 0) {
            LOG.warn("Data-load guard: {} queued restore(s) of Email Opt Out NOT written to Salesforce because"
                    + " optout.guard.restore-on-reject is off; marked {} (DataLoadGuard.RestoresSwitchedOff). Turn it"
                    + " on and invoke DataLoadGuard.requeueSwitchedOffRestores to write them", switchedOff, SWITCHED_OFF);
        }
    }

    private static final String SWITCHED_OFF_REASON = "not written: optout.guard.restore-on-reject was off when it came"
            + " due; DataLoadGuard.requeueSwitchedOffRestores queues it again once it is on";

    /**
     * Queues again, due now with their attempts counted afresh, the restores not written because the switch was off;
     * a contact with a later change is then skipped as usual. Does nothing while the switch is still off.
     *
     * @return what was done, for the admin
     */
    public String requeueSwitchedOff() {
        if (!restoreOnReject) {
            return "optout.guard.restore-on-reject is off: nothing is written back to Salesforce, " + count(SWITCHED_OFF)
                    + " restore(s) stay " + SWITCHED_OFF + ". Turn it on (restart) first";
        }
        int queued = jdbc.update("update guard_resolution set restore_state = 'PENDING', restore_attempts = 0,"
                + " restore_next_at = ?, restore_error = null where restore_state = ?", toSql(clock.instant()),
                SWITCHED_OFF);
        LOG.info("Data-load guard: {} restore(s) of Email Opt Out not written while optout.guard.restore-on-reject was"
                + " off queued again by an admin", queued);
        return queued + " restore(s) of Email Opt Out queued again (a contact with a later change is skipped)";
    }

    public long count(String state) {
        return jdbc.queryForObject("select count(*) from guard_resolution where restore_state = ?", Long.class, state);
    }

    @Override
    public boolean handles(DeadLetter letter) {
        return ROUTE_ID.equals(letter.routeId());
    }

    /**
     * Queues the restore again, due now, with its attempts counted afresh (the route does the writing); refused while
     * {@code optout.guard.restore-on-reject} is off, the letter then stays open. A restore
     * already queued again or done counts as replayed: the letter's replay may have queued it and then not been
     * marked (the process stopped between the two), and a second replay must not then fail for good.
     */
    @Override
    public String replay(DeadLetter letter) {
        if (!restoreOnReject) {
            throw new IllegalStateException("optout.guard.restore-on-reject is off: nothing is written back to"
                    + " Salesforce. Turn it on (restart) and replay again, or discard this letter");
        }
        long changeId = Long.parseLong(letter.payload().trim());
        int queued = jdbc.update("""
                update guard_resolution set restore_state = 'PENDING', restore_attempts = 0, restore_next_at = ?
                where change_id = ? and restore_state = 'FAILED'
                  and exists (select 1 from contact_change c where c.id = change_id and c.state = ?)
                """, toSql(clock.instant()), changeId, ChangeState.REJECTED.name());
        if (queued == 1) {
            return "restore of Email Opt Out for change " + changeId + " queued again";
        }
        List<String> state = jdbc.queryForList("select restore_state from guard_resolution where change_id = ?",
                String.class, changeId);
        if (state.size() == 1 && List.of("PENDING", "DONE").contains(state.get(0))) {
            return "restore of Email Opt Out for change " + changeId + " was already queued again (now "
                    + state.get(0) + ")";
        }
        throw new IllegalStateException("the restore of change " + changeId + " is not a failed restore");
    }
}
