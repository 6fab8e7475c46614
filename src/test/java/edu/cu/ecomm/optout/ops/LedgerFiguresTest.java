package edu.cu.ecomm.optout.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import edu.cu.ecomm.optout.support.MigratedDatabase;
import edu.cu.ecomm.optout.support.MutableClock;
import edu.cu.ecomm.optout.support.TestDatabases;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** The figures an operator watches, on the service's schema (H2, or PostgreSQL when the tests run there). */
class LedgerFiguresTest {

    private static final String TOPIC = "/data/ContactChangeEvent";
    private static final Instant COMMITTED = Instant.parse("2026-11-29T08:00:00Z");

    @AutoClose
    private final MigratedDatabase database = TestDatabases.migrated();
    private final JdbcTemplate jdbc = new JdbcTemplate(database);
    private final MutableClock clock = new MutableClock(COMMITTED.plusSeconds(5));
    private final ReplayCheckpoints checkpoints = new ReplayCheckpoints(jdbc, clock);
    private final LedgerFigures figures = new LedgerFigures(jdbc, clock, checkpoints, TOPIC);

    @Test
    void anUnreadableEventHoursAfterTheLastReadableOneLeavesTheIntakeLagAsItWas() {
        checkpoints.advance(TOPIC, "AAE=", COMMITTED);
        assertThat(figures.intakeLag()).contains(Duration.ofSeconds(5));

        clock.advance(Duration.ofHours(6));
        checkpoints.advance(TOPIC, "AAI=", null);

        assertThat(figures.intakeLag()).as("how far behind Salesforce's commit the recording was")
                .contains(Duration.ofSeconds(5));
        assertThat(figures.lastEventCommitTime()).contains(COMMITTED);
        assertThat(figures.checkpoint()).hasValueSatisfying(c -> assertThat(c.replayId()).isEqualTo("AAI="));
    }

    @Test
    void onlyUnreadableEventsSoFarMoveTheCheckpointTimeAndShowNoLag() {
        checkpoints.advance(TOPIC, "AAE=", null);
        clock.advance(Duration.ofHours(1));
        checkpoints.advance(TOPIC, "AAI=", null);

        // With no commit time known, the checkpoint's time stands in for it (resume, catch-ups from a dead letter).
        assertThat(figures.checkpoint()).hasValueSatisfying(c -> assertThat(c.updatedAt()).isEqualTo(clock.instant()));
        assertThat(figures.intakeLag()).isEmpty();
    }
}
