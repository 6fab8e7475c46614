package edu.cu.ecomm.optout.ledger;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The last Pub/Sub replay id whose changes are durably recorded, per topic. camel-salesforce keeps replay ids
 * in memory only, so this is what a restarted service resumes from. It is advanced in the same transaction
 * as the rows of its event, so it never points past a change that was not committed.
 */
@Component("replayCheckpoints")
public class ReplayCheckpoints {

    /** A stored checkpoint: the replay id (base64, as Salesforce gave it) and the event's commit time. */
    public record Checkpoint(String topic, String replayId, Instant commitTimestamp, Instant updatedAt) {
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public ReplayCheckpoints(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Optional<Checkpoint> find(String topic) {
        return jdbc.query("select topic, replay_id, commit_timestamp, updated_at from replay_checkpoint where topic = ?",
                (rs, row) -> new Checkpoint(rs.getString("topic"), rs.getString("replay_id"),
                        SqlTime.instant(rs, "commit_timestamp"), SqlTime.instant(rs, "updated_at")),
                topic).stream().findFirst();
    }

    /**
     * Moves the checkpoint of {@code topic} to {@code replayId}; joins the caller's transaction. A null
     * {@code commitTimestamp} (an event that could not be read) keeps the stored one, so catch-ups still know
     * from when to look.
     */
    public void advance(String topic, String replayId, Instant commitTimestamp) {
        int updated = jdbc.update("update replay_checkpoint set replay_id = ?,"
                + " commit_timestamp = coalesce(?, commit_timestamp), updated_at = ? where topic = ?",
                replayId, toSql(commitTimestamp), toSql(clock.instant()), topic);
        if (updated == 0) {
            jdbc.update("insert into replay_checkpoint (topic, replay_id, commit_timestamp, updated_at)"
                    + " values (?, ?, ?, ?)", topic, replayId, toSql(commitTimestamp), toSql(clock.instant()));
        }
    }
}
