package edu.cu.ecomm.optout.guard;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.LedgerWrites;
import edu.cu.ecomm.optout.ledger.SqlTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The review of opt-ins the data-load guard held ({@code intake.DataLoadGuard}): what is held, and an admin's
 * release or reject, per change or per Salesforce transaction. Every answer says what happened to each change.
 *
 * <ul>
 *   <li><b>Release</b>: the opt-in goes down the opt-in flow as if just received (RECEIVED; change-dispatch hands
 *   it to the opt-in route: ready for CU Ascend, Marketing Cloud look-up queued). Unless the contact has a later
 *   change: then releasing it would let an older value reach CU Ascend after the later one (or collapse against
 *   it), so it is marked SUPERSEDED and never delivered.</li>
 *   <li><b>Reject</b>: the opt-in is never delivered (REJECTED). Salesforce keeps the loaded value unless
 *   {@code optout.guard.restore-on-reject} is on: then Email Opt Out is written back to true in Salesforce (route
 *   data-load-guard-restore) for each contact whose rejected opt-in is still its latest change, so both systems
 *   show the opt-out the data load overwrote.</li>
 * </ul>
 *
 * Both run under the ledger's write lock ({@link LedgerWrites}): intake cannot record a contact's newer change
 * between the check for a later change and the release. A whole transaction is decided {@link #CHUNK} changes per
 * lock, not all in one: a data load can hold 200,000 opt-ins, and intake waits while the lock is held. Each chunk
 * re-reads its changes under the lock and decides only those still HELD, so deciding in chunks changes no outcome;
 * if one fails, the chunks before it stay decided and the admin repeats the operation for the rest.
 */
@Component("heldOptIns")
public class HeldOptIns {

    private static final Logger LOG = LoggerFactory.getLogger(HeldOptIns.class);

    /** Superseded changes named one by one in an answer; the rest are counted. */
    static final int NAMED = 20;

    /** Changes of a transaction released or rejected per hold of the ledger's write lock. */
    static final int CHUNK = 1_000;

    /** One held opt-in, with its transaction's reason. */
    public record HeldOptIn(long changeId, String contactId, String transactionKey, Instant commitTimestamp,
                            String changeOrigin, String commitUser, Instant recordedAt, String reason,
                            int transactionOptIns) {
    }

    /** A held transaction: how many of its opt-ins are held now, and why. */
    public record HeldTransaction(String transactionKey, long held, String reason, String changeOrigin,
                                  String commitUser, Instant commitTimestamp, Instant heldAt) {
    }

    /** What a release or reject did. */
    public record Outcome(int released, int superseded, int rejected, int restoresQueued, int notHeld,
                          String message) {
    }

    private static final String HELD_SELECT = """
            select c.id, c.contact_id, c.transaction_key, c.commit_timestamp, c.change_origin, c.commit_user,
                   c.recorded_at, t.held_reason, t.opt_ins
            from contact_change c left join guard_transaction t on t.transaction_key = c.transaction_key
            where c.state = ?
            """;

    private final JdbcTemplate jdbc;
    private final LedgerWrites writes;
    private final Clock clock;
    private final boolean restoreOnReject;
    private final int chunk;

    @Autowired
    public HeldOptIns(JdbcTemplate jdbc, LedgerWrites writes, Clock clock,
                      @Value("${optout.guard.restore-on-reject:false}") boolean restoreOnReject) {
        this(jdbc, writes, clock, restoreOnReject, CHUNK);
    }

    /** With {@code chunk} changes of a transaction decided per hold of the write lock (tests use a small one). */
    HeldOptIns(JdbcTemplate jdbc, LedgerWrites writes, Clock clock, boolean restoreOnReject, int chunk) {
        this.jdbc = jdbc;
        this.writes = writes;
        this.clock = clock;
        this.restoreOnReject = restoreOnReject;
        this.chunk = chunk;
    }

    public long heldChanges() {
        return jdbc.queryForObject("select count(*) from contact_change where state = ?", Long.class,
                ChangeState.HELD.name());
    }

    public long heldTransactions() {
        return jdbc.queryForObject("select count(distinct coalesce(transaction_key, cast(id as varchar(20))))"
                + " from contact_change where state = ?", Long.class, ChangeState.HELD.name());
    }

    /** Every held opt-in, by transaction, then contact. */
    public List<HeldOptIn> held() {
        return jdbc.query(HELD_SELECT + " order by c.transaction_key, c.contact_id, c.id", HeldOptIns::toHeld,
                ChangeState.HELD.name());
    }

    /** The first {@code limit} held opt-ins, by transaction, then contact: a listing reads no more than it shows. */
    public List<HeldOptIn> held(int limit) {
        return jdbc.query(HELD_SELECT + " order by c.transaction_key, c.contact_id, c.id limit ?", HeldOptIns::toHeld,
                ChangeState.HELD.name(), limit);
    }

    /**
     * The next {@code limit} held opt-ins of one transaction with an id in {@code (afterId, upToId]}, by id: the
     * range keeps each chunk's read to its own rows (index on state, id) and leaves out opt-ins held after the
     * admin asked.
     */
    private List<HeldOptIn> heldIn(String transactionKey, long afterId, long upToId, int limit) {
        return jdbc.query(HELD_SELECT + " and c.id > ? and c.id <= ? and c.transaction_key = ? order by c.id limit ?",
                HeldOptIns::toHeld, ChangeState.HELD.name(), afterId, upToId, transactionKey, limit);
    }

    /** The newest held opt-in of a transaction: a release or reject decides it and those before it. */
    private Optional<Long> lastHeldIn(String transactionKey) {
        return Optional.ofNullable(jdbc.queryForObject("select max(id) from contact_change"
                + " where state = ? and transaction_key = ?", Long.class, ChangeState.HELD.name(), transactionKey));
    }

    /** The held transactions, oldest hold first. */
    public List<HeldTransaction> transactions() {
        return jdbc.query("""
                select c.transaction_key, count(*) as held, max(t.held_reason) as held_reason,
                       max(c.change_origin) as change_origin, max(c.commit_user) as commit_user,
                       min(c.commit_timestamp) as commit_timestamp, min(t.held_at) as held_at
                from contact_change c left join guard_transaction t on t.transaction_key = c.transaction_key
                where c.state = ?
                group by c.transaction_key
                order by min(c.id)
                """, (rs, row) -> new HeldTransaction(rs.getString("transaction_key"), rs.getLong("held"),
                rs.getString("held_reason"), rs.getString("change_origin"), rs.getString("commit_user"),
                SqlTime.instant(rs, "commit_timestamp"), SqlTime.instant(rs, "held_at")), ChangeState.HELD.name());
    }

    public Outcome releaseTransaction(String transactionKey) {
        List<Chunk<Released>> chunks = decideInChunks(transactionKey, this::release);
        if (chunks.isEmpty()) {
            return new Outcome(0, 0, 0, 0, 0, "Transaction " + transactionKey + " has no held opt-in");
        }
        Released released = new Released(chunks.stream().mapToInt(c -> c.result.count).sum(),
                chunks.stream().flatMap(c -> c.result.superseded.stream()).toList());
        return new Outcome(released.count, released.superseded.size(), 0, 0, 0, "Transaction " + transactionKey
                + ": " + released.count + " opt-in(s) released to the opt-in flow" + supersededText(released));
    }

    public Outcome releaseChange(long changeId) {
        return writes.inTransaction(() -> {
            Optional<HeldOptIn> held = heldChange(changeId);
            if (held.isEmpty()) {
                return notHeld(changeId);
            }
            Released released = release(List.of(held.get()));
            return new Outcome(released.count, released.superseded.size(), 0, 0, 0, released.count == 1
                    ? "Change " + changeId + " (contact " + held.get().contactId() + ") released to the opt-in flow"
                    : "Change " + changeId + " not released" + supersededText(released));
        });
    }

    public Outcome rejectTransaction(String transactionKey) {
        List<Chunk<Integer>> chunks = decideInChunks(transactionKey, this::reject);
        if (chunks.isEmpty()) {
            return new Outcome(0, 0, 0, 0, 0, "Transaction " + transactionKey + " has no held opt-in");
        }
        int rejected = chunks.stream().mapToInt(c -> c.held.size()).sum();
        int restores = chunks.stream().mapToInt(c -> c.result).sum();
        return new Outcome(0, 0, rejected, restores, 0, "Transaction " + transactionKey + ": " + rejected
                + " opt-in(s) rejected, never delivered to CU Ascend; " + restoreText(rejected, restores));
    }

    /**
     * Decides the transaction's held opt-ins, up to the newest held when asked, {@code chunk} per hold of the write
     * lock; returns the chunks that had opt-ins to decide (none: nothing was held).
     */
    private <T> List<Chunk<T>> decideInChunks(String transactionKey, Function<List<HeldOptIn>, T> decide) {
        List<Chunk<T>> chunks = new ArrayList<>();
        Optional<Long> upTo = lastHeldIn(transactionKey);
        long after = 0;
        while (upTo.isPresent()) {
            long from = after;
            Chunk<T> done = writes.inTransaction(() -> {
                List<HeldOptIn> held = heldIn(transactionKey, from, upTo.get(), chunk);
                return new Chunk<>(held, held.isEmpty() ? null : decide.apply(held));
            });
            if (!done.held.isEmpty()) {
                chunks.add(done);
            }
            if (done.held.size() < chunk) {
                break;
            }
            after = done.held.get(done.held.size() - 1).changeId();
        }
        return chunks;
    }

    public Outcome rejectChange(long changeId) {
        return writes.inTransaction(() -> {
            Optional<HeldOptIn> held = heldChange(changeId);
            if (held.isEmpty()) {
                return notHeld(changeId);
            }
            int restores = reject(List.of(held.get()));
            return new Outcome(0, 0, 1, restores, 0, "Change " + changeId + " (contact " + held.get().contactId()
                    + ") rejected, never delivered to CU Ascend; " + restoreText(1, restores));
        });
    }

    private record Superseded(HeldOptIn change, long laterId) {
    }

    private record Released(int count, List<Superseded> superseded) {
    }

    /** One chunk of a transaction: the held opt-ins read under the lock, and what deciding them did. */
    private record Chunk<T>(List<HeldOptIn> held, T result) {
    }

    private Released release(List<HeldOptIn> held) {
        Instant now = clock.instant();
        int count = 0;
        List<Superseded> superseded = new ArrayList<>();
        for (HeldOptIn change : held) {
            Optional<Long> later = laterChange(change.changeId(), change.contactId());
            if (later.isPresent()) {
                jdbc.update("update contact_change set state = ? where id = ? and state = ?",
                        ChangeState.SUPERSEDED.name(), change.changeId(), ChangeState.HELD.name());
                resolve(change, "SUPERSEDED", now, later.get(), null);
                superseded.add(new Superseded(change, later.get()));
                continue;
            }
            // As if just received: recorded_at restarts, so the delivery figures and health measure its wait for
            // CU Ascend from the release, not from a hold an admin took days to review. The hold's time stays in
            // guard_transaction.held_at.
            count += jdbc.update("update contact_change set state = ?, recorded_at = ? where id = ? and state = ?",
                    ChangeState.RECEIVED.name(), toSql(now), change.changeId(), ChangeState.HELD.name());
            resolve(change, "RELEASED", now, null, null);
        }
        LOG.info("Data-load guard: {} opt-in(s) released, {} superseded by a later change", count, superseded.size());
        return new Released(count, superseded);
    }

    /** @return how many restores were queued */
    private int reject(List<HeldOptIn> held) {
        Instant now = clock.instant();
        int restores = 0;
        for (HeldOptIn change : held) {
            jdbc.update("update contact_change set state = ? where id = ? and state = ?",
                    ChangeState.REJECTED.name(), change.changeId(), ChangeState.HELD.name());
            String restore = null;
            if (restoreOnReject) {
                // Only while the rejected opt-in is still the contact's latest change: a later change (the contact
                // opted out again, or a person opted them in) is Salesforce's current truth and must stay.
                restore = laterChange(change.changeId(), change.contactId()).isPresent() ? "SKIPPED" : "PENDING";
                restores += "PENDING".equals(restore) ? 1 : 0;
            }
            resolve(change, "REJECTED", now, null, restore);
        }
        LOG.info("Data-load guard: {} opt-in(s) rejected; {} restore(s) of the opt-out in Salesforce queued",
                held.size(), restores);
        return restores;
    }

    private void resolve(HeldOptIn change, String decision, Instant now, Long supersededBy, String restoreState) {
        jdbc.update("""
                insert into guard_resolution (change_id, contact_id, transaction_key, decision, decided_at,
                    superseded_by, restore_state, restore_next_at, restore_error)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, change.changeId(), change.contactId(), change.transactionKey(), decision, toSql(now),
                supersededBy, restoreState, "PENDING".equals(restoreState) ? toSql(now) : null,
                "SKIPPED".equals(restoreState) ? "the contact has a later change; Salesforce keeps it" : null);
    }

    /**
     * The contact's change after this one (in the order the nightly batch collapses them), if any; rejected and
     * superseded changes are not values anyone will deliver, so they do not count.
     */
    Optional<Long> laterChange(long changeId, String contactId) {
        return jdbc.query("""
                select l.id from contact_change l, contact_change c
                where c.id = ? and l.contact_id = ? and l.id <> c.id and l.state not in (?, ?)
                  and (l.commit_timestamp > c.commit_timestamp
                       or (l.commit_timestamp = c.commit_timestamp and l.id > c.id))
                order by l.commit_timestamp desc, l.id desc
                limit 1
                """, (rs, row) -> rs.getLong(1), changeId, contactId, ChangeState.REJECTED.name(),
                ChangeState.SUPERSEDED.name()).stream().findFirst();
    }

    private Optional<HeldOptIn> heldChange(long changeId) {
        return jdbc.query(HELD_SELECT + " and c.id = ?", HeldOptIns::toHeld, ChangeState.HELD.name(), changeId)
                .stream().findFirst();
    }

    private Outcome notHeld(long changeId) {
        String state = jdbc.query("select state from contact_change where id = ?", (rs, row) -> rs.getString(1),
                changeId).stream().findFirst().orElse(null);
        return new Outcome(0, 0, 0, 0, 1, "Change " + changeId
                + (state == null ? " does not exist" : " is not held (state " + state + ")"));
    }

    private static String supersededText(Released released) {
        if (released.superseded.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder("; " + released.superseded.size()
                + " superseded by the contact's later change, marked SUPERSEDED and never delivered (CU Ascend keeps"
                + " the later value):");
        released.superseded.stream().limit(NAMED).forEach(s -> text.append(" change ").append(s.change.changeId())
                .append(" (contact ").append(s.change.contactId()).append(", later change ").append(s.laterId)
                .append(")"));
        if (released.superseded.size() > NAMED) {
            text.append(" and ").append(released.superseded.size() - NAMED).append(" more");
        }
        return text.toString();
    }

    private String restoreText(int rejected, int restores) {
        if (!restoreOnReject) {
            return "Salesforce keeps the loaded value (Email Opt Out false): optout.guard.restore-on-reject is off";
        }
        return restores + " contact(s) will get Email Opt Out = true written back in Salesforce"
                + (restores < rejected ? ", " + (rejected - restores) + " not (a later change in Salesforce stands)"
                : "");
    }

    private static HeldOptIn toHeld(ResultSet rs, int row) throws SQLException {
        return new HeldOptIn(rs.getLong("id"), rs.getString("contact_id"), rs.getString("transaction_key"),
                SqlTime.instant(rs, "commit_timestamp"), rs.getString("change_origin"), rs.getString("commit_user"),
                SqlTime.instant(rs, "recorded_at"), rs.getString("held_reason"), rs.getInt("opt_ins"));
    }
}
