package edu.cu.ecomm.optout.intake;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import edu.cu.ecomm.optout.intake.DataLoadRule.Decision;
import edu.cu.ecomm.optout.intake.DataLoadRule.Tally;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.NewChange;
import edu.cu.ecomm.optout.optin.OptInQueue;
import edu.cu.ecomm.optout.optin.ResubscribeRequests;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.lang3.StringUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The data-load guard at intake: records opt-ins either RECEIVED (they flow) or HELD (an admin releases or
 * rejects them, see {@code guard.HeldOptIns}), by {@link DataLoadRule}, counted per {@link GuardedTransaction}:
 * the opt-ins of CDC events, and those that catch-ups and gap re-reads find in Salesforce when a transaction's
 * events could not carry them (a data load too large for change events arrives as one GAP_OVERFLOW event).
 *
 * <p>It lives where changes are recorded, inside the recording transaction (of {@link ContactChangeRecorder}, or
 * of a re-read through {@link ContactReconciler}: rows, tally and checkpoint commit together), for two reasons:
 * a held opt-in is never RECEIVED even for a moment, so change-dispatch cannot pick it up; and a crash between
 * two events of a transaction rolls the tally back with the rows, so a replayed event is counted once.
 *
 * <p>Cost: opt-out events never reach this class. An opt-in event costs one primary-key read and one write of
 * the transaction's tally row ({@code guard_transaction}) — per event, not per contact. Only when a transaction
 * crosses the limit are its earlier opt-ins looked up, once, by a primary-key range from the transaction's first
 * event (events of one transaction arrive together, so the range is short) — no index on
 * {@code contact_change.transaction_key} is needed, which would cost every recorded change.
 */
@Component("dataLoadGuard")
public class DataLoadGuard {

    private static final Logger LOG = LoggerFactory.getLogger(DataLoadGuard.class);

    private final JdbcTemplate jdbc;
    private final ChangeLedger ledger;
    private final OptInQueue optInQueue;
    private final ResubscribeRequests resubscribeRequests;
    private final Clock clock;
    private final DataLoadRule rule;
    private final DataLoadRule catchUpRule;
    private final boolean enabled;
    private final Duration tallyRetention;
    private final Counter held;

    public DataLoadGuard(JdbcTemplate jdbc, ChangeLedger ledger, OptInQueue optInQueue,
                         ResubscribeRequests resubscribeRequests, Clock clock, MeterRegistry meters,
                         @Value("${optout.guard.enabled:true}") boolean enabled,
                         @Value("${optout.guard.max-opt-ins:20}") int maxOptIns,
                         @Value("${optout.guard.max-catch-up-opt-ins:50}") int maxCatchUpOptIns,
                         @Value("${optout.guard.bulk-origins:/api/bulkapi/,;client=DataLoader}") List<String> bulkOrigins,
                         @Value("${optout.guard.tally-retention:P7D}") Duration tallyRetention) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.optInQueue = optInQueue;
        this.resubscribeRequests = resubscribeRequests;
        this.clock = clock;
        this.rule = new DataLoadRule(maxOptIns, bulkOrigins);
        // A catch-up's changes carry no change origin: only their number can tell a data load.
        this.catchUpRule = new DataLoadRule(maxCatchUpOptIns, List.of(), "catch-up");
        this.enabled = enabled;
        this.tallyRetention = tallyRetention;
        this.held = Counter.builder("optout.guard.changes.held")
                .description("Opt-ins the data-load guard held for an admin's review (this node)").register(meters);
    }

    /**
     * Records opt-ins of one transaction (their {@code transactionKey} is {@code transaction.key()}), held or not;
     * joins the caller's transaction.
     *
     * @return how many were new (a replayed event or a repeated re-read records nothing and counts nothing)
     */
    public int recordOptIns(GuardedTransaction transaction, List<NewChange> optIns) {
        if (!enabled || optIns.isEmpty()) {
            return ledger.recordAll(optIns);
        }
        String key = transaction.key();
        Optional<Tally> before = tally(key);
        Decision decision = (transaction.catchUp() ? catchUpRule : rule)
                .decide(before.orElse(Tally.NONE), optIns.size(), transaction.changeOrigin());
        int recorded = ledger.recordAll(optIns, decision.held() ? ChangeState.HELD : ChangeState.RECEIVED);
        if (recorded == 0) {
            return 0;
        }
        Instant now = clock.instant();
        Instant heldAt = decision.reason() != null ? now : null;
        if (before.isEmpty()) {
            jdbc.update("""
                    insert into guard_transaction (transaction_key, opt_ins, first_event_id, change_origin, commit_user,
                        commit_timestamp, first_seen_at, held_at, held_reason)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, key, recorded, optIns.get(0).eventId(),
                    StringUtils.abbreviate(transaction.changeOrigin(), 255), transaction.commitUser(),
                    toSql(transaction.commitTimestamp()), toSql(now), toSql(heldAt),
                    StringUtils.abbreviate(decision.detail(), 255));
        } else {
            jdbc.update("""
                    update guard_transaction set opt_ins = opt_ins + ?, held_at = coalesce(held_at, ?),
                        held_reason = coalesce(held_reason, ?) where transaction_key = ?
                    """, recorded, toSql(heldAt), StringUtils.abbreviate(decision.detail(), 255), key);
        }
        int earlier = decision.crossing() ? holdEarlier(key) : 0;
        if (decision.held()) {
            held.increment(recorded + earlier);
        }
        if (decision.reason() != null) {
            LOG.warn("Data-load guard: transaction {} held ({}); {} opt-in(s) held now, {} recorded before it crossed"
                    + " the limit held too. Release or reject it over JMX (DataLoadGuard).", key, decision.detail(),
                    recorded, earlier);
        }
        return recorded;
    }

    /**
     * Holds the opt-ins a transaction had recorded before it crossed the limit, unless already delivered: those
     * still RECEIVED (not dispatched yet) and those READY but not yet in a batch being delivered (a PENDING batch
     * may already have written them into its file; its marker then leaves them as they are). For a READY one the
     * opt-in flow has run or is about to: its Marketing Cloud look-up is taken off the queue, finished or not,
     * and the re-subscribe requests it opened are closed, unless an urgent one's help-desk ticket has gone out (that
     * ticket exists); a release looks the contact up again and opens what is still needed.
     */
    private int holdEarlier(String key) {
        Long fromId = jdbc.queryForObject("""
                select min(c.id) from contact_change c
                where c.event_id = (select t.first_event_id from guard_transaction t where t.transaction_key = ?)
                """, Long.class, key);
        if (fromId == null) {
            return 0;
        }
        List<Long> earlier = jdbc.queryForList("""
                select id from contact_change
                where id >= ? and transaction_key = ? and direction = 'OPT_IN' and state in (?, ?)
                order by id
                """, Long.class, fromId, key, ChangeState.RECEIVED.name(), ChangeState.READY.name());
        int[] counts = jdbc.batchUpdate("""
                update contact_change set state = ?
                where id = ? and state in (?, ?)
                  and not exists (select 1 from ascend_batch b where b.state = 'PENDING'
                                  and contact_change.id <= b.high_water_id)
                """, earlier.stream().map(id -> new Object[] {ChangeState.HELD.name(), id,
                ChangeState.RECEIVED.name(), ChangeState.READY.name()}).toList());
        List<Long> held = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                held.add(earlier.get(i));
            }
        }
        optInQueue.withdraw(held);
        resubscribeRequests.closeUnticketed(held, "opt-in held by the data-load guard (transaction " + key + ")");
        return held.size();
    }

    /**
     * Forgets the tallies of transactions that were never held and were first seen before {@code olderThan} ago:
     * their events have long arrived. Held transactions keep theirs, the record of why they were held.
     */
    public int forgetUnheldTransactions() {
        return forgetUnheldTransactions(tallyRetention);
    }

    int forgetUnheldTransactions(Duration olderThan) {
        return jdbc.update("delete from guard_transaction where held_at is null and first_seen_at < ?",
                toSql(clock.instant().minus(olderThan)));
    }

    private Optional<Tally> tally(String key) {
        return jdbc.query("select opt_ins, held_at from guard_transaction where transaction_key = ?",
                (rs, row) -> new Tally(rs.getInt("opt_ins"), rs.getObject("held_at") != null), key).stream().findFirst();
    }
}
