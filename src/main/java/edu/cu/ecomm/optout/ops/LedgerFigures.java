package edu.cu.ecomm.optout.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints.Checkpoint;
import edu.cu.ecomm.optout.ledger.SqlTime;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The figures an operator watches, each read from the database when asked: the ledger is the source of truth,
 * so every node of a cluster reports the same numbers and nothing is lost with a restart.
 */
@Component("ledgerFigures")
public class LedgerFigures {

    /**
     * States of a change that CU Ascend has not received yet (HELD waits for a person instead). A change in a batch
     * being delivered is still READY.
     */
    static final List<String> WAITING = List.of(ChangeState.RECEIVED.name(), ChangeState.READY.name());

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final ReplayCheckpoints checkpoints;
    private final String topic;

    public LedgerFigures(JdbcTemplate jdbc, Clock clock, ReplayCheckpoints checkpoints,
                         @Value("${optout.intake.topic}") String topic) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.checkpoints = checkpoints;
        this.topic = topic;
    }

    /** Changes recorded but not yet delivered to CU Ascend (RECEIVED or READY). */
    public long waitingForDelivery() {
        return jdbc.queryForObject("select count(*) from contact_change where state in (?, ?)", Long.class,
                WAITING.toArray());
    }

    /** When the longest-waiting undelivered change was recorded, if any change waits. */
    public Optional<Instant> oldestWaitingSince() {
        return Optional.ofNullable(jdbc.query("select min(recorded_at) as oldest from contact_change"
                + " where state in (?, ?)", rs -> rs.next() ? SqlTime.instant(rs, "oldest") : null, WAITING.toArray()));
    }

    /** How long the longest-waiting undelivered change has waited; zero when none waits. */
    public Duration oldestWaitingAge() {
        return oldestWaitingSince().map(since -> nonNegative(Duration.between(since, clock.instant())))
                .orElse(Duration.ZERO);
    }

    /**
     * The last intake checkpoint: the replay id, and the commit time of the newest readable event with when it was
     * recorded.
     */
    public Optional<Checkpoint> checkpoint() {
        return checkpoints.find(topic);
    }

    /**
     * Commit time in Salesforce of the newest readable event recorded: the checkpoint's, which an unreadable event
     * (a dead letter) leaves as it was. Empty before the first readable event.
     */
    public Optional<Instant> lastEventCommitTime() {
        return checkpoint().map(Checkpoint::commitTimestamp);
    }

    /**
     * Intake lag: how long after its commit in Salesforce the newest readable event was durably recorded here
     * (checkpoint time minus commit time). Empty before the first readable event.
     */
    public Optional<Duration> intakeLag() {
        return checkpoint().filter(c -> c.commitTimestamp() != null && c.updatedAt() != null)
                .map(c -> nonNegative(Duration.between(c.commitTimestamp(), c.updatedAt())));
    }

    public long openResubscribeRequests() {
        return jdbc.queryForObject("select count(*) from resubscribe_request where closed_at is null", Long.class);
    }

    public long urgentTicketsSent() {
        return jdbc.queryForObject("select count(*) from resubscribe_request where ticket_sent_at is not null",
                Long.class);
    }

    /** Open urgent requests whose help-desk ticket has not been sent yet (waiting, failing or a dead letter). */
    public long urgentTicketsWaiting() {
        return jdbc.queryForObject("select count(*) from resubscribe_request where urgent = true and closed_at is null"
                + " and ticket_sent_at is null", Long.class);
    }

    /** Of those, the tickets the help desk did not take at least once (retried, or dead letters). */
    public long urgentTicketsFailing() {
        return jdbc.queryForObject("select count(*) from resubscribe_request where urgent = true and closed_at is null"
                + " and ticket_sent_at is null and ticket_attempts > 0", Long.class);
    }

    /** Of those, the tickets that are dead letters: not retried, sent by the letter's replay. */
    public long urgentTicketsDeadLettered() {
        return jdbc.queryForObject("select count(*) from resubscribe_request where urgent = true and closed_at is null"
                + " and ticket_sent_at is null and ticket_dead_lettered_at is not null", Long.class);
    }

    /** Preference warnings not yet listed on a weekly sheet. */
    public long preferenceWarningsUnlisted() {
        return jdbc.queryForObject("select count(*) from preference_warning where listed_at is null", Long.class);
    }

    public long preferenceWarnings() {
        return jdbc.queryForObject("select count(*) from preference_warning", Long.class);
    }

    public long deadLetters() {
        return jdbc.queryForObject("select count(*) from dead_letter", Long.class);
    }

    /**
     * Opt-ins whose Marketing Cloud look-up was completed, including those withdrawn since by the data-load guard:
     * never decreases, as the counter {@code optout.lookups} must not.
     */
    public long lookUpsDone() {
        return jdbc.queryForObject("select count(*) from optin_lookup where completed_at is not null", Long.class);
    }

    /** Opt-ins waiting for a Marketing Cloud look-up, and of those the ones whose last try failed. */
    public long lookUpsPending() {
        return jdbc.queryForObject("select count(*) from optin_lookup where state = 'PENDING'", Long.class);
    }

    public long lookUpsFailing() {
        return jdbc.queryForObject("select count(*) from optin_lookup where state = 'PENDING' and attempts > 0"
                + " and last_error is not null", Long.class);
    }

    public Optional<String> lastLookUpError() {
        return jdbc.queryForList("select last_error from optin_lookup where state = 'PENDING' and last_error is not null"
                + " order by next_attempt_at desc limit 1", String.class).stream().findFirst();
    }

    /** Read on every health probe: one step in index ix_optin_lookup_completed (V12), however large the table. */
    public Optional<Instant> lastLookUpCompleted() {
        return Optional.ofNullable(jdbc.query("select max(completed_at) as last from optin_lookup",
                rs -> rs.next() ? SqlTime.instant(rs, "last") : null));
    }

    private static Duration nonNegative(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }
}
