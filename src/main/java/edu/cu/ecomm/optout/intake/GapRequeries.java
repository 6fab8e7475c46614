package edu.cu.ecomm.optout.intake;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.ledger.LedgerWrites;
import edu.cu.ecomm.optout.ledger.SqlTime;
import edu.cu.ecomm.optout.intake.ContactReconciler.Result;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.lang3.StringUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Gap events (GAP_CREATE, GAP_UPDATE, GAP_DELETE, GAP_UNDELETE) name contacts but carry no values. Intake queues
 * the contacts ({@code gap_requery}) in the transaction that moves the checkpoint past the event; the
 * {@code gap-requery} route then re-reads them over REST, up to 200 per SOQL query, and records a change
 * (source GAP_REQUERY, event id {@code gap:<gap event id>}) for each whose value differs from the last known
 * one, deleting the queue rows in the same transaction. A crash in between re-reads them after the restart;
 * re-reading twice records nothing twice.
 *
 * <p>A batch Salesforce does not answer stays queued and is not re-read before its {@link ReReadBackOff back-off};
 * the contacts queued behind it wait too. {@link #backlog} shows the operator since when it has been failing and why.
 */
@Component("gapRequeries")
public class GapRequeries {

    private static final Logger LOG = LoggerFactory.getLogger(GapRequeries.class);

    private record Pending(long id, String gapEventId, String contactId, String changeType,
                           GuardedTransaction transaction, Instant notBefore, int attempts) {
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final SalesforceOptOutValues salesforce;
    private final ContactReconciler reconciler;
    private final LedgerWrites writes;
    private final DeadLetters deadLetters;
    private final MeterRegistry meters;
    private final int batchSize;

    public GapRequeries(JdbcTemplate jdbc, Clock clock, SalesforceOptOutValues salesforce, ContactReconciler reconciler,
                        LedgerWrites writes, DeadLetters deadLetters, MeterRegistry meters,
                        @Value("${optout.gap-requery.batch-size:200}") int batchSize) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.salesforce = salesforce;
        this.reconciler = reconciler;
        this.writes = writes;
        this.deadLetters = deadLetters;
        this.meters = meters;
        this.batchSize = batchSize;
    }

    /**
     * Queues the contacts of a gap event; invalid ids go to the dead letters. Joins the caller's transaction.
     *
     * @return how many contacts were queued
     */
    public int queue(ContactChangeEvent event) {
        int queued = 0;
        for (String recordId : event.recordIds()) {
            var contactId = SalesforceIds.toContactId18(recordId);
            if (contactId.isEmpty()) {
                deadLetters.record(ContactChangeRecorder.ROUTE_ID, SalesforceIds.whyNotContactId(recordId),
                        event.toString(), event.eventId(), event.replayId(), recordId);
                continue;
            }
            queued += jdbc.update("""
                    insert into gap_requery (gap_event_id, contact_id, change_type, commit_timestamp, replay_id, queued_at,
                        transaction_key, change_origin, commit_user)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing
                    """, event.eventId(), contactId.get(), event.changeType(), toSql(event.commitTimestamp()),
                    event.replayId(), toSql(clock.instant()), event.transactionKey(), event.changeOrigin(),
                    event.commitUser());
        }
        return queued;
    }

    /** Contacts waiting to be re-read. */
    public long pendingCount() {
        return jdbc.queryForObject("select count(*) from gap_requery", Long.class);
    }

    /** Contacts waiting to be re-read, and the re-read failing the longest, for the operator. */
    public ReReadBacklog backlog() {
        return ReReadBacklog.read(jdbc, pendingCount(), "select failing_since, last_error from gap_requery"
                + " where failing_since is not null order by failing_since, id limit 1");
    }

    /**
     * Re-reads the oldest queued contacts (one batch) and records what changed. A failure (Salesforce away or
     * refusing) leaves them queued, not re-read before their back-off.
     *
     * @return changes recorded
     */
    public int processPending() {
        List<Pending> pending = jdbc.query("""
                        select id, gap_event_id, contact_id, change_type, commit_timestamp, transaction_key,
                            change_origin, commit_user, not_before, attempts
                        from gap_requery order by id limit ?
                        """,
                (rs, row) -> new Pending(rs.getLong("id"), rs.getString("gap_event_id"), rs.getString("contact_id"),
                        rs.getString("change_type"), GuardedTransaction.of(rs.getString("transaction_key"),
                        rs.getString("gap_event_id"), rs.getString("change_origin"), rs.getString("commit_user"),
                        SqlTime.instant(rs, "commit_timestamp")), SqlTime.instant(rs, "not_before"),
                        rs.getInt("attempts")), batchSize);
        if (pending.isEmpty()) {
            return 0;
        }
        // The oldest contacts wait out the back-off of a re-read Salesforce refused; the whole queue waits with
        // them, as Salesforce would refuse the contacts queued behind them alike.
        if (pending.get(0).notBefore() != null && pending.get(0).notBefore().isAfter(clock.instant())) {
            return 0;
        }
        Set<String> contactIds = new LinkedHashSet<>();
        pending.forEach(p -> contactIds.add(p.contactId()));
        Map<String, ContactValue> current = new HashMap<>();
        try {
            salesforce.byIds(contactIds).forEach(value -> current.put(value.contactId(), value));
        } catch (RuntimeException e) {
            postpone(pending, e);
            return 0;
        }
        Result result = writes.inTransaction(() -> {
            Result total = Result.none();
            for (Pending p : pending) {
                ContactValue value = current.get(p.contactId());
                if (value != null) {
                    total = total.plus(reconciler.reconcile(List.of(value), ChangeSource.GAP_REQUERY, p.changeType(),
                            v -> "gap:" + p.gapEventId(), p.transaction()));
                }
            }
            jdbc.update("delete from gap_requery where id in ("
                    + String.join(",", pending.stream().map(p -> String.valueOf(p.id())).toList()) + ")");
            return total;
        });
        meters.counter("optout.intake.gap.contacts").increment(pending.size());
        meters.counter("optout.intake.gap.changes.recorded")
                .increment(result.recorded());
        LOG.info("Gap events: re-read {} contact(s) from Salesforce, {} change(s) recorded ({} no longer exist)",
                contactIds.size(), result.recorded(), contactIds.size() - current.size());
        return result.recorded();
    }

    private void postpone(List<Pending> batch, RuntimeException e) {
        Instant now = clock.instant();
        Duration wait = ReReadBackOff.after(batch.stream().mapToInt(Pending::attempts).max().orElse(0) + 1);
        LOG.warn("Could not re-read {} contact(s) named by gap events; tried again after {}: {}", batch.size(), wait,
                e.toString());
        jdbc.update("update gap_requery set attempts = attempts + 1, last_error = ?, not_before = ?,"
                        + " failing_since = coalesce(failing_since, ?) where id in ("
                        + String.join(",", batch.stream().map(p -> String.valueOf(p.id())).toList()) + ")",
                StringUtils.abbreviate(e.toString(), 4000), toSql(now.plus(wait)), toSql(now));
    }

    /**
     * Re-reads contacts now and records what differs, under event id {@code eventId} (a dead-letter replay), its
     * opt-ins counted by the data-load guard under {@code transaction}.
     *
     * @return what the comparison did
     */
    public Result requeryNow(Collection<String> contactIds, String eventId, String changeType,
                             GuardedTransaction transaction) {
        List<ContactValue> values = new ArrayList<>(salesforce.byIds(contactIds));
        return writes.inTransaction(() -> reconciler.reconcile(values, ChangeSource.GAP_REQUERY, changeType,
                v -> eventId, transaction));
    }
}
