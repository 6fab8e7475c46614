package edu.cu.ecomm.optout.ops;

import java.time.Duration;
import java.util.Optional;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * Health "salesforceSubscription": UP while this node's intake is subscribed and recording events promptly.
 * DOWN when intake should run here but its route is stopped (paused) or has no open subscription, or when the
 * newest event was recorded more than {@code optout.health.max-intake-lag} after its commit. A standby node of a
 * cluster is UP: intake is the leader's job.
 */
@Component("salesforceSubscription")
class SalesforceSubscriptionHealth extends AbstractHealthIndicator {

    private final IntakeControl intake;
    private final LedgerFigures figures;
    private final Duration maxLag;

    SalesforceSubscriptionHealth(IntakeControl intake, LedgerFigures figures,
                                 @Value("${optout.health.max-intake-lag:PT15M}") Duration maxLag) {
        super("Salesforce subscription check failed");
        this.intake = intake;
        this.figures = figures;
        this.maxLag = maxLag;
    }

    @Override
    protected void doHealthCheck(Health.Builder health) {
        String role = intake.role();
        health.withDetail("role", role).withDetail("route", intake.routeStatus());
        Optional<Duration> lag = figures.intakeLag();
        lag.ifPresent(l -> health.withDetail("lagSeconds", l.toSeconds()));
        figures.lastEventCommitTime().ifPresent(t -> health.withDetail("lastEventCommitTime", t.toString()));
        if ("standby".equals(role)) {
            health.up().withDetail("reason", "standby: intake runs on the cluster leader");
            return;
        }
        if (!intake.isRunning()) {
            health.down().withDetail("reason", "intake route is not running (paused or failed)");
            return;
        }
        PubSubConnection.State connection = intake.connection();
        health.withDetail("connection", connection.name());
        if (connection == PubSubConnection.State.DISCONNECTED) {
            health.down().withDetail("reason", "no open Pub/Sub subscription to Salesforce");
            return;
        }
        if (lag.isPresent() && lag.get().compareTo(maxLag) > 0) {
            health.down().withDetail("reason", "newest event recorded " + lag.get().toSeconds()
                    + " s after its commit; more than " + maxLag);
            return;
        }
        health.up();
    }
}
