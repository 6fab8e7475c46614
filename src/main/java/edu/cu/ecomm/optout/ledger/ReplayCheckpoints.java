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

    /**
     * A stored checkpoint: the replay id (base64, as Salesforce gave it), the commit time of the newest readable
     * event and when that event was recorded (see {@link #advance}).
     */
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
     * from when to look, and keeps its time too: {@code updated_at} is when the event of {@code commit_timestamp}
     * was recorded, so the intake lag (the one minus the other) stays how far behind Salesforce's commit the
     * recording was, not the time since the last readable event. Before any readable event there is no commit
     * time, and {@code updated_at} (then the time of the last unreadable event) stands in for it.
     */
    public void advance(String topic, String replayId, Instant commitTimestamp) {
        int updated = commitTimestamp != null
                ? jdbc.update("update replay_checkpoint set replay_id = ?, commit_timestamp = ?, updated_at = ?"
                        + " where topic = ?", replayId, toSql(commitTimestamp), toSql(clock.instant()), topic)
                : jdbc.update("update replay_checkpoint set replay_id = ?, updated_at = case when commit_timestamp"
                        + " is null then ? else updated_at end where topic = ?", replayId, toSql(clock.instant()), topic);
        if (updated == 0) {
            jdbc.update("insert into replay_checkpoint (topic, replay_id, commit_timestamp, updated_at)"
                    + " values (?, ?, ?, ?)", topic, replayId, toSql(commitTimestamp), toSql(clock.instant()));
        }
    }
}
