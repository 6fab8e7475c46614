package edu.cu.ecomm.optout.intake;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

import edu.cu.ecomm.optout.intake.ContactReconciler.Result;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.LedgerWrites;
import edu.cu.ecomm.optout.ledger.SqlTime;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.lang3.StringUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Catch-up: every contact whose SystemModstamp is at or after a point in time, read with SOQL a page at a time
 * and compared with the last known values; what differs is recorded (source CATCHUP, event id
 * {@code catchup:<SystemModstamp millis>}, so a second catch-up over the same time records nothing twice).
 *
 * <p>Catch-ups are asked for durably ({@code catch_up_request}) where the need arises — an overflow event (in
 * the transaction that moves the checkpoint past it), a checkpoint older than the retention window, a replay id
 * Salesforce rejected, first start (the initial snapshot) — and run by the {@code catch-up-requests} route.
 * Pending requests are merged: one run from the earliest time covers them all. {@link #catchUpFrom} runs one
 * directly ({@code direct:catch-up}, the operator's "catch up from T"); {@link #sweep} is the periodic one.
 *
 * <p>A request that fails (Salesforce refuses or is away) stays pending and is not tried again before its
 * {@link ReReadBackOff back-off}; {@link #backlog} shows the operator since when it has been failing and why.
 */
@Component("catchUps")
public class CatchUps {

    private static final Logger LOG = LoggerFactory.getLogger(CatchUps.class);

    static final String CATCH_UP = "CATCH_UP";
    static final String SNAPSHOT = "SNAPSHOT";

    /** What one catch-up did. */
    public record Report(Instant from, String reason, long compared, long recorded) {
    }

    private record Request(long id, String kind, Instant from, String reason, Instant requestedAt, int attempts) {
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final SalesforceOptOutValues salesforce;
    private final ContactReconciler reconciler;
    private final LedgerWrites writes;
    private final InitialSnapshot snapshot;
    private final MeterRegistry meters;
    private final Duration lookBack;
    private final Duration settle;
    private final Duration overlap;

    public CatchUps(JdbcTemplate jdbc, Clock clock, SalesforceOptOutValues salesforce, ContactReconciler reconciler,
                    LedgerWrites writes, InitialSnapshot snapshot, MeterRegistry meters,
                    @Value("${optout.catch-up.look-back:PT2H}") Duration lookBack,
                    @Value("${optout.catch-up.settle:PT30S}") Duration settle,
                    @Value("${optout.catch-up.overlap:PT15M}") Duration overlap) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.salesforce = salesforce;
        this.reconciler = reconciler;
        this.writes = writes;
        this.snapshot = snapshot;
        this.meters = meters;
        this.lookBack = lookBack;
        this.settle = settle;
        this.overlap = overlap;
    }

    /** Asks for a catch-up from {@code from}; joins the caller's transaction, so it is durable with it. */
    public void request(Instant from, String reason) {
        insert(CATCH_UP, from, reason, clock.instant());
        LOG.warn("Catch-up from {} requested: {}", from, reason);
    }

    /**
     * Asks for a catch-up from {@code from} that covers the hole a subscription at LATEST leaves: it runs only
     * once the subscription has had {@code optout.catch-up.settle} to open, so that it also sees every change
     * made while the subscription was opening. Joins the caller's transaction.
     */
    public void requestAfterResubscribe(Instant from, String reason) {
        insert(CATCH_UP, from, reason, clock.instant().plus(settle));
        LOG.warn("Catch-up from {} requested, to run once the subscription at LATEST is open: {}", from, reason);
    }

    /** Asks for the initial snapshot of every contact's value. */
    public void requestSnapshot(String reason) {
        insert(SNAPSHOT, null, reason, clock.instant());
        LOG.info("Initial snapshot requested: {}", reason);
    }

    /** Asking again for a catch-up that is still pending (same kind, time and reason) is the same request. */
    private void insert(String kind, Instant from, String reason, Instant notBefore) {
        String text = StringUtils.abbreviate(reason, 255);
        jdbc.update("insert into catch_up_request (kind, from_time, reason, requested_at, not_before, state)"
                        + " select ?, ?, ?, ?, ?, 'PENDING' where not exists (select 1 from catch_up_request"
                        + " where state = 'PENDING' and kind = ? and reason = ? and from_time is not distinct from ?)",
                kind, toSql(from), text, toSql(clock.instant()), toSql(notBefore), kind, text, toSql(from));
    }

    /** True once a snapshot has been asked for (pending or done). */
    public boolean snapshotRequested() {
        return jdbc.queryForObject("select count(*) from catch_up_request where kind = ?", Long.class, SNAPSHOT) > 0;
    }

    /**
     * When the first snapshot or catch-up was asked for, pending or done: on a first start, the moment intake
     * started watching. Empty when none ever was.
     */
    public Optional<Instant> firstRequestedAt() {
        return Optional.ofNullable(jdbc.query("select min(requested_at) as first_requested from catch_up_request",
                rs -> rs.next() ? SqlTime.instant(rs, "first_requested") : null));
    }

    public long pendingCount() {
        return jdbc.queryForObject("select count(*) from catch_up_request where state = 'PENDING'", Long.class);
    }

    /** Pending requests (catch-ups and the snapshot), and the one failing the longest, for the operator. */
    public ReReadBacklog backlog() {
        return ReReadBacklog.read(jdbc, pendingCount(), "select failing_since, last_error from catch_up_request"
                + " where state = 'PENDING' and failing_since is not null order by failing_since, id limit 1");
    }

    /**
     * Runs what is due: a snapshot first, then one catch-up from the earliest pending time for every pending
     * catch-up. A failure leaves them pending, not due again before their back-off.
     *
     * <p>A failing snapshot does not hold the catch-ups back: without the snapshot's values a catch-up records
     * what it finds opted out and remembers the rest, as the snapshot would, and the snapshot keeps a change
     * recorded meanwhile.
     *
     * @return changes recorded
     */
    public long runPending() {
        List<Request> pending = jdbc.query("select id, kind, from_time, reason, requested_at, attempts"
                        + " from catch_up_request where state = 'PENDING' and not_before <= ? order by id",
                (rs, row) -> new Request(rs.getLong("id"), rs.getString("kind"), SqlTime.instant(rs, "from_time"),
                        rs.getString("reason"), SqlTime.instant(rs, "requested_at"), rs.getInt("attempts")),
                toSql(clock.instant()));
        long recorded = 0;
        for (Request request : pending.stream().filter(r -> SNAPSHOT.equals(r.kind())).toList()) {
            try {
                InitialSnapshot.Report report = snapshot.run(request.requestedAt());
                done(List.of(request), report.contacts(), report.recorded());
                recorded += report.recorded();
            } catch (RuntimeException e) {
                failed(List.of(request), e);
            }
        }
        List<Request> catchUps = pending.stream().filter(r -> CATCH_UP.equals(r.kind())).toList();
        if (!catchUps.isEmpty()) {
            Instant from = catchUps.stream().map(Request::from).min(Instant::compareTo).orElseThrow();
            String reasons = String.join("; ", catchUps.stream().map(Request::reason).distinct().toList());
            try {
                Report report = catchUpFrom(from, reasons);
                done(catchUps, report.compared(), report.recorded());
                recorded += report.recorded();
            } catch (RuntimeException e) {
                failed(catchUps, e);
            }
        }
        return recorded;
    }

    /** The periodic sweep: a catch-up over the look-back ({@code optout.catch-up.look-back}). */
    public Report sweep() {
        return catchUpFrom(clock.instant().minus(lookBack), "periodic sweep over " + lookBack);
    }

    /**
     * Catches up from {@code from} now: reads every contact changed since, records what differs. The query starts
     * {@code optout.catch-up.overlap} earlier: callers start from a commit time, but a record's SystemModstamp is
     * set when it is modified inside its transaction, up to the transaction's length before the commit (an
     * overflow event's transaction has over 100,000 changes). The overlap records nothing twice: event ids are
     * deterministic and a value equal to or older than the ledger's is skipped.
     *
     * @param from   an {@link Instant} or ISO-8601 text ({@code 2026-11-27T06:00:00Z}) — what an operator types
     * @param reason for the log; may be null
     */
    public Report catchUpFrom(Object from, String reason) {
        Instant start = from instanceof Instant instant ? instant : parse(String.valueOf(from));
        String why = reason == null || reason.isBlank() ? "requested" : reason;
        LOG.info("Catch-up from {} ({}) starting; Salesforce is read from {} earlier", start, why, overlap);
        Result[] total = {Result.none()};
        salesforce.modifiedSince(start.minus(overlap), page -> {
            Result result = writes.inTransaction(() -> reconciler.reconcile(page, ChangeSource.CATCHUP, "CATCHUP",
                    value -> "catchup:" + value.systemModstamp().toEpochMilli(), GuardedTransaction.catchUp(start)));
            total[0] = total[0].plus(result);
        });
        meters.counter("optout.catch-up.runs").increment();
        meters.counter("optout.catch-up.changes.recorded").increment(total[0].recorded());
        LOG.info("Catch-up from {} ({}): {} contact(s) changed since, {} differed and were recorded",
                start, why, total[0].compared(), total[0].recorded());
        return new Report(start, why, total[0].compared(), total[0].recorded());
    }

    private static Instant parse(String text) {
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("catch up from '" + text + "'? Give an ISO-8601 instant such as"
                    + " 2026-11-27T06:00:00Z", e);
        }
    }

    private void done(List<Request> requests, long compared, long recorded) {
        for (Request request : requests) {
            jdbc.update("update catch_up_request set state = 'DONE', attempts = attempts + 1, compared = ?, recorded = ?,"
                    + " completed_at = ?, last_error = null, failing_since = null where id = ?", compared, recorded,
                    toSql(clock.instant()), request.id());
        }
    }

    private void failed(List<Request> requests, RuntimeException e) {
        Instant now = clock.instant();
        Duration wait = ReReadBackOff.after(requests.stream().mapToInt(Request::attempts).max().orElse(0) + 1);
        LOG.warn("{} ({}) failed; it stays pending and is tried again after {}: {}",
                SNAPSHOT.equals(requests.get(0).kind()) ? "Initial snapshot" : "Catch-up",
                requests.stream().map(Request::reason).distinct().toList(), wait, e.toString());
        for (Request request : requests) {
            jdbc.update("update catch_up_request set attempts = attempts + 1, last_error = ?, not_before = ?,"
                            + " failing_since = coalesce(failing_since, ?) where id = ?",
                    StringUtils.abbreviate(e.toString(), 4000), toSql(now.plus(wait)), toSql(now), request.id());
        }
    }
}
