package edu.cu.ecomm.optout.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import edu.cu.ecomm.optout.support.MigratedDatabase;
import edu.cu.ecomm.optout.support.MutableClock;
import edu.cu.ecomm.optout.support.TestDatabases;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.jdbc.core.JdbcTemplate;

/** Health "catchUpQueue": what a failing catch-up or gap re-read does to it. */
class CatchUpQueueHealthTest {

    private static final Duration MAX_FAILURE = Duration.ofHours(1);

    @AutoClose
    private final MigratedDatabase database = TestDatabases.migrated();
    private final JdbcTemplate jdbc = new JdbcTemplate(database);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final RefusedReReads salesforce = new RefusedReReads(jdbc, clock);
    private final CatchUpQueueHealth health = new CatchUpQueueHealth(salesforce.catchUps, salesforce.gapRequeries,
            clock, MAX_FAILURE);

    @Test
    void nothingPendingIsUp() {
        Health result = health.health();

        assertThat(result.getStatus()).isEqualTo(Status.UP);
        assertThat(result.getDetails()).containsEntry("pendingCatchUps", 0L).containsEntry("pendingGapReReads", 0L);
    }

    @Test
    void aCatchUpFailingForLessThanTheBoundIsUpWithSinceWhenAndWhy() {
        Instant firstFailure = clock.instant();
        salesforce.catchUpRefused();
        clock.advance(MAX_FAILURE);

        Health result = health.health();

        assertThat(result.getStatus()).isEqualTo(Status.UP);
        assertThat(result.getDetails()).containsEntry("pendingCatchUps", 1L)
                .containsEntry("catchUpsFailingSince", firstFailure.toString())
                .hasEntrySatisfying("catchUpLastError", error -> assertThat((String) error).contains("REQUEST_LIMIT_EXCEEDED"));
    }

    @Test
    void aCatchUpFailingForLongerThanTheBoundIsDown() {
        salesforce.catchUpRefused();
        clock.advance(MAX_FAILURE.plusSeconds(1));

        Health result = health.health();

        assertThat(result.getStatus()).isEqualTo(Status.DOWN);
        assertThat((String) result.getDetails().get("reason")).startsWith("a requested catch-up has been failing since");
    }

    @Test
    void gapReReadsFailingForLongerThanTheBoundAreDown() {
        Instant firstFailure = clock.instant();
        salesforce.gapReReadRefused();
        clock.advance(MAX_FAILURE.plusSeconds(1));

        Health result = health.health();

        assertThat(result.getStatus()).isEqualTo(Status.DOWN);
        assertThat(result.getDetails()).containsEntry("pendingGapReReads", 1L)
                .containsEntry("gapReReadsFailingSince", firstFailure.toString());
        assertThat((String) result.getDetails().get("reason")).startsWith("re-reads of contacts named by gap events have been failing since");
    }
}
