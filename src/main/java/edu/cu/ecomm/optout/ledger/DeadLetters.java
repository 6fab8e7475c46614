package edu.cu.ecomm.optout.ledger;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

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
                             String eventId, String replayId, String contactId, String state) {
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
        jdbc.update("insert into dead_letter (created_at, route_id, reason, payload, event_id, replay_id, contact_id,"
                        + " state) values (?, ?, ?, ?, ?, ?, ?, 'OPEN')",
                toSql(clock.instant()), routeId, abbreviate(reason), payload, eventId, replayId, contactId);
    }

    /** Open dead letters, oldest first. */
    public List<DeadLetter> open() {
        return jdbc.query("select * from dead_letter where state = 'OPEN' order by id", (rs, row) -> new DeadLetter(
                rs.getLong("id"), SqlTime.instant(rs, "created_at"), rs.getString("route_id"),
                rs.getString("reason"), rs.getString("payload"), rs.getString("event_id"),
                rs.getString("replay_id"), rs.getString("contact_id"), rs.getString("state")));
    }

    public long countOpen() {
        return jdbc.queryForObject("select count(*) from dead_letter where state = 'OPEN'", Long.class);
    }

    private static String abbreviate(String reason) {
        String text = reason == null ? "unknown" : reason;
        return text.length() <= 4000 ? text : text.substring(0, 3997) + "...";
    }
}
