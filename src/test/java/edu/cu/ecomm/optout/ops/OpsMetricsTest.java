package edu.cu.ecomm.optout.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import edu.cu.ecomm.optout.support.MigratedDatabase;
import edu.cu.ecomm.optout.support.MutableClock;
import edu.cu.ecomm.optout.support.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** The gauges of what waits for Salesforce, read from the database when published. */
class OpsMetricsTest {

    @AutoClose
    private final MigratedDatabase database = TestDatabases.migrated();
    private final JdbcTemplate jdbc = new JdbcTemplate(database);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final RefusedReReads salesforce = new RefusedReReads(jdbc, clock);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void failingCatchUpsAndGapReReadsShowAsWhatWaitsAndHowLongItHasBeenFailing() {
        new OpsMetrics(new LedgerFigures(jdbc, clock, new ReplayCheckpoints(jdbc, clock), "/data/ContactChangeEvent"),
                new DeliveryFigures(jdbc), new DeadLetters(jdbc, clock), salesforce.catchUps,
                salesforce.gapRequeries, clock).bindTo(registry);
        assertThat(gauge("optout.catch-up.failing.seconds")).as("nothing failing").isZero();

        salesforce.catchUpRefused();
        clock.advance(Duration.ofMinutes(2));
        salesforce.gapReReadRefused();
        clock.advance(Duration.ofMinutes(1));

        assertThat(gauge("optout.catch-up.pending")).isEqualTo(1);
        assertThat(gauge("optout.catch-up.failing.seconds")).isEqualTo(180);
        assertThat(gauge("optout.gap-requery.pending")).isEqualTo(1);
        assertThat(gauge("optout.gap-requery.failing.seconds")).isEqualTo(60);
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }
}
