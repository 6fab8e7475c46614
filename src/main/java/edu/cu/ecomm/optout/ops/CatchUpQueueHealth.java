package edu.cu.ecomm.optout.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import edu.cu.ecomm.optout.intake.CatchUps;
import edu.cu.ecomm.optout.intake.GapRequeries;
import edu.cu.ecomm.optout.intake.ReReadBacklog;
import org.apache.commons.lang3.StringUtils;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * Health "catchUpQueue": DOWN when a catch-up the service asked for itself (overflow, rejected replay id, checkpoint
 * too old, first start), the initial snapshot, or the re-read of contacts named by gap events has been failing for
 * longer than {@code optout.health.max-catch-up-failure}: the changes it should find do not reach CU Ascend while
 * it fails, and the subscription's own health cannot tell. Read from the database, so every node of a cluster
 * reports the same; UP while nothing fails or the failures are younger than the bound.
 */
@Component("catchUpQueue")
class CatchUpQueueHealth extends AbstractHealthIndicator {

    private final CatchUps catchUps;
    private final GapRequeries gapRequeries;
    private final Clock clock;
    private final Duration maxFailure;

    CatchUpQueueHealth(CatchUps catchUps, GapRequeries gapRequeries, Clock clock,
                       @Value("${optout.health.max-catch-up-failure:PT1H}") Duration maxFailure) {
        super("Catch-up queue check failed");
        this.catchUps = catchUps;
        this.gapRequeries = gapRequeries;
        this.clock = clock;
        this.maxFailure = maxFailure;
    }

    @Override
    protected void doHealthCheck(Health.Builder health) {
        Instant now = clock.instant();
        ReReadBacklog requested = catchUps.backlog();
        ReReadBacklog gaps = gapRequeries.backlog();
        health.withDetail("pendingCatchUps", requested.pending()).withDetail("pendingGapReReads", gaps.pending())
                .withDetail("maxCatchUpFailure", maxFailure.toString());
        requested.failingSince().ifPresent(since -> health.withDetail("catchUpsFailingSince", since.toString())
                .withDetail("catchUpLastError", shortened(requested.lastError().orElse(""))));
        gaps.failingSince().ifPresent(since -> health.withDetail("gapReReadsFailingSince", since.toString())
                .withDetail("gapReReadLastError", shortened(gaps.lastError().orElse(""))));
        if (requested.failingFor(now).compareTo(maxFailure) > 0) {
            health.down().withDetail("reason", "a requested catch-up has been failing since "
                    + requested.failingSince().orElseThrow() + "; longer than " + maxFailure);
            return;
        }
        if (gaps.failingFor(now).compareTo(maxFailure) > 0) {
            health.down().withDetail("reason", "re-reads of contacts named by gap events have been failing since "
                    + gaps.failingSince().orElseThrow() + "; longer than " + maxFailure);
            return;
        }
        health.up();
    }

    private static String shortened(String error) {
        return StringUtils.abbreviate(error, 200);
    }
}
