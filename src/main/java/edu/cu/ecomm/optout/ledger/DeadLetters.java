package edu.cu.ecomm.optout.ledger;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import org.apache.commons.lang3.StringUtils;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What could not be processed, kept whole (raw payload and the reason) so that an operator can see it and
 * replay or discard it while the service keeps running.
 */
@Component("deadLetters")
public class DeadLetters {

    /** A dead letter as an operator sees it. */
    public record DeadLetter(long id, Instant createdAt, String routeId, String reason, String payload,
                             String eventId, String replayId, String contactId, String state,
                             Instant catchUpFrom, Instant resolvedAt, String resolution,
                             Instant replayClaimedAt) {
    }

    /**
     * Where a dead letter is: waiting for an operator (OPEN, or REPLAYING while a replay runs), or resolved one way
     * or the other.
     */
    public enum State {
        OPEN, REPLAYING, REPLAYED, DISCARDED
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public DeadLetters(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Records a dead letter; joins the caller's transaction if there is one. */
    public void record(String routeId, String reason, String payload, String eventId, String replayId,
                       String contactId) {
        record(routeId, reason, payload, eventId, replayId, contactId, null);
    }

    /**
     * Records a dead letter whose remedy is a catch-up from {@code catchUpFrom} (an event that was lost with its
     * payload); joins the caller's transaction if there is one.
     */
    public void record(String routeId, String reason, String payload, String eventId, String replayId,
                       String contactId, Instant catchUpFrom) {
        jdbc.update("insert into dead_letter (created_at, route_id, reason, payload, event_id, replay_id, contact_id,"
                        + " state, catch_up_from) values (?, ?, ?, ?, ?, ?, ?, 'OPEN', ?)",
                toSql(clock.instant()), routeId, abbreviate(reason), payload, eventId, replayId,
                StringUtils.truncate(contactId, CONTACT_ID_COLUMN), toSql(catchUpFrom));
    }

    /**
     * Dead letters not resolved yet, oldest first: OPEN, and REPLAYING (a replay runs, or one was cut short by a
     * crash and can be replayed again once its claim is stale).
     */
    public List<DeadLetter> open() {
        return jdbc.query("select * from dead_letter where state in ('OPEN', 'REPLAYING') order by id",
                DeadLetters::toLetter);
    }

    /** Dead letters in {@code state}, oldest first; every one when {@code state} is null. */
    public List<DeadLetter> list(State state) {
        return state == null
                ? jdbc.query("select * from dead_letter order by id", DeadLetters::toLetter)
                : jdbc.query("select * from dead_letter where state = ? order by id", DeadLetters::toLetter, state.name());
    }

    public Optional<DeadLetter> find(long id) {
        return jdbc.query("select * from dead_letter where id = ?", DeadLetters::toLetter, id).stream().findFirst();
    }

    /**
     * Moves an open dead letter to {@code state}, noting what was done and when; also one whose replay was claimed
     * more than {@code staleAfter} ago (its instance stopped mid-replay), as {@link #claimForReplay} would take it.
     *
     * @return false when it was not open (already replayed or discarded, being replayed, or no such letter)
     */
    public boolean resolve(long id, State state, String resolution, Duration staleAfter) {
        Instant now = clock.instant();
        return jdbc.update("update dead_letter set state = ?, resolved_at = ?, resolution = ? where id = ?"
                        + " and (state = 'OPEN' or (state = 'REPLAYING' and replay_claimed_at < ?))",
                state.name(), toSql(now), abbreviate(resolution), id, toSql(now.minus(staleAfter))) == 1;
    }

    /**
     * Claims a letter for a replay, so that only one replay of it runs at a time: an OPEN letter, or one whose
     * replay was claimed more than {@code staleAfter} ago (its instance stopped mid-replay), becomes REPLAYING as
     * of now.
     *
     * @return the claim's time, to hand back to {@link #replayed} or {@link #releaseClaim}; empty when the letter
     *         is resolved, or another replay claimed it less than {@code staleAfter} ago
     */
    public Optional<Instant> claimForReplay(long id, Duration staleAfter) {
        // Millisecond precision, which both databases keep: the claim's time is matched again on release.
        Instant claimedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        int claimed = jdbc.update("update dead_letter set state = 'REPLAYING', replay_claimed_at = ? where id = ?"
                        + " and (state = 'OPEN' or (state = 'REPLAYING' and replay_claimed_at < ?))",
                toSql(claimedAt), id, toSql(claimedAt.minus(staleAfter)));
        return claimed == 1 ? Optional.of(claimedAt) : Optional.empty();
    }

    /**
     * A replay claimed at {@code claimedAt} succeeded: the letter is REPLAYED with what was done.
     *
     * @return false when the claim was no longer this replay's (taken as stale by another replay)
     */
    public boolean replayed(long id, Instant claimedAt, String resolution) {
        return jdbc.update("update dead_letter set state = 'REPLAYED', resolved_at = ?, resolution = ?, replay_claimed_at"
                        + " = null where id = ? and state = 'REPLAYING' and replay_claimed_at = ?",
                toSql(clock.instant()), abbreviate(resolution), id, toSql(claimedAt)) == 1;
    }

    /** A replay claimed at {@code claimedAt} failed: the letter is OPEN again for the next replay or a discard. */
    public void releaseClaim(long id, Instant claimedAt) {
        jdbc.update("update dead_letter set state = 'OPEN', replay_claimed_at = null where id = ? and state = 'REPLAYING'"
                + " and replay_claimed_at = ?", id, toSql(claimedAt));
    }

    private static DeadLetter toLetter(ResultSet rs, int row) throws SQLException {
        return new DeadLetter(rs.getLong("id"), SqlTime.instant(rs, "created_at"), rs.getString("route_id"),
                rs.getString("reason"), rs.getString("payload"), rs.getString("event_id"),
                rs.getString("replay_id"), rs.getString("contact_id"), rs.getString("state"),
                SqlTime.instant(rs, "catch_up_from"), SqlTime.instant(rs, "resolved_at"), rs.getString("resolution"),
                SqlTime.instant(rs, "replay_claimed_at"));
    }

    public long countOpen() {
        return jdbc.queryForObject("select count(*) from dead_letter where state in ('OPEN', 'REPLAYING')", Long.class);
    }

    /**
     * An invalid record id can be any length; the column keeps 32 characters of it, so that the letter is written
     * (the reason names the whole id).
     */
    private static final int CONTACT_ID_COLUMN = 32;

    private static String abbreviate(String reason) {
        return StringUtils.abbreviate(reason == null ? "unknown" : reason, 4000);
    }
}
