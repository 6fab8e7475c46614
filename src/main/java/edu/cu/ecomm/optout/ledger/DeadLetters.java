package edu.cu.ecomm.optout.ledger;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
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
                             Instant catchUpFrom, Instant resolvedAt, String resolution) {
    }

    /** Where a dead letter is: waiting for an operator, or resolved one way or the other. */
    public enum State {
        OPEN, REPLAYED, DISCARDED
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

    /** Open dead letters, oldest first. */
    public List<DeadLetter> open() {
        return list(State.OPEN);
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
     * Moves an open dead letter to {@code state}, noting what was done and when.
     *
     * @return false when it was not open (already replayed or discarded, or no such letter)
     */
    public boolean resolve(long id, State state, String resolution) {
        return jdbc.update("update dead_letter set state = ?, resolved_at = ?, resolution = ? where id = ? and state = 'OPEN'",
                state.name(), toSql(clock.instant()), abbreviate(resolution), id) == 1;
    }

    private static DeadLetter toLetter(ResultSet rs, int row) throws SQLException {
        return new DeadLetter(rs.getLong("id"), SqlTime.instant(rs, "created_at"), rs.getString("route_id"),
                rs.getString("reason"), rs.getString("payload"), rs.getString("event_id"),
                rs.getString("replay_id"), rs.getString("contact_id"), rs.getString("state"),
                SqlTime.instant(rs, "catch_up_from"), SqlTime.instant(rs, "resolved_at"), rs.getString("resolution"));
    }

    public long countOpen() {
        return jdbc.queryForObject("select count(*) from dead_letter where state = 'OPEN'", Long.class);
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
