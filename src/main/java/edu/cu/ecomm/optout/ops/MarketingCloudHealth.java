package edu.cu.ecomm.optout.ops;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * Health "marketingCloud": DOWN while the opt-in look-ups fail (the last try of a waiting look-up ended in an
 * error: token refused, SOAP fault, unreachable); UP otherwise, with the time of the last successful look-up.
 * UNKNOWN when Marketing Cloud is not configured.
 */
@Component("marketingCloud")
class MarketingCloudHealth extends AbstractHealthIndicator {

    private final LedgerFigures figures;
    private final boolean configured;

    MarketingCloudHealth(LedgerFigures figures, @Value("${optout.marketing-cloud.auth-base-url:}") String authBaseUrl) {
        super("Marketing Cloud check failed");
        this.figures = figures;
        this.configured = !authBaseUrl.isBlank();
    }

    @Override
    protected void doHealthCheck(Health.Builder health) {
        if (!configured) {
            health.unknown().withDetail("reason", "optout.marketing-cloud.auth-base-url is not set");
            return;
        }
        figures.lastLookUpCompleted().ifPresent(t -> health.withDetail("lastLookUp", t.toString()));
        health.withDetail("pendingLookUps", figures.lookUpsPending());
        long failing = figures.lookUpsFailing();
        if (failing > 0) {
            health.down().withDetail("failingLookUps", failing)
                    .withDetail("lastError", figures.lastLookUpError().map(e -> e.length() > 200 ? e.substring(0, 200) + "..." : e).orElse(""));
            return;
        }
        health.up();
    }
}
