package edu.cu.ecomm.optout.intake;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;

import edu.cu.ecomm.optout.ledger.SqlTime;

/**
 * What waits in one queue of Salesforce re-reads (requested catch-ups and the snapshot, or gap re-reads), for the
 * operator: how many are pending and, when some keep failing, since when the longest-failing one has failed and its
 * last error.
 *
 * @param failingSince when the longest-failing pending entry first failed; empty when none is failing
 * @param lastError    that entry's last error
 */
public record ReReadBacklog(long pending, Optional<Instant> failingSince, Optional<String> lastError) {

    /**
     * The backlog of a queue: {@code pending} entries, and the failure read by {@code longestFailing}, a query
     * selecting {@code failing_since} and {@code last_error} of the longest-failing entry (no row when none fails).
     */
    static ReReadBacklog read(JdbcTemplate jdbc, long pending, String longestFailing) {
        return jdbc.query(longestFailing, rs -> rs.next()
                ? new ReReadBacklog(pending, Optional.of(SqlTime.instant(rs, "failing_since")),
                        Optional.ofNullable(rs.getString("last_error")))
                : new ReReadBacklog(pending, Optional.empty(), Optional.empty()));
    }

    /** How long the longest-failing entry has been failing at {@code now}; zero when none is failing. */
    public Duration failingFor(Instant now) {
        return failingSince.map(since -> Duration.between(since, now)).filter(d -> !d.isNegative())
                .orElse(Duration.ZERO);
    }
}
