package edu.cu.ecomm.optout.ops;

import java.time.Clock;
import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * Health "ascendDelivery": DOWN when CU Ascend has not received a change within {@code optout.health.max-delivery-age}
 * (26 hours by default: a nightly run plus slack) — a change has waited longer than that, or a batch has been
 * failing to go out for longer. Quiet days with nothing to deliver stay UP.
 */
@Component("ascendDelivery")
class DeliveryHealth extends AbstractHealthIndicator {

    private final LedgerFigures figures;
    private final DeliveryFigures delivery;
    private final Clock clock;
    private final Duration maxAge;

    DeliveryHealth(LedgerFigures figures, DeliveryFigures delivery, Clock clock,
                   @Value("${optout.health.max-delivery-age:PT26H}") Duration maxAge) {
        super("Delivery check failed");
        this.figures = figures;
        this.delivery = delivery;
        this.clock = clock;
        this.maxAge = maxAge;
    }

    @Override
    protected void doHealthCheck(Health.Builder health) {
        long waiting = figures.waitingForDelivery();
        Duration oldest = figures.oldestWaitingAge();
        health.withDetail("waiting", waiting).withDetail("oldestWaitingSeconds", oldest.toSeconds())
                .withDetail("maxDeliveryAge", maxAge.toString());
        delivery.lastDelivered().ifPresent(batch -> health.withDetail("lastBatch", batch.id())
                .withDetail("lastDeliveredAt", String.valueOf(batch.deliveredAt())));
        var pending = delivery.pending();
        pending.ifPresent(batch -> health.withDetail("pendingBatch", batch.id())
                .withDetail("pendingAttempts", batch.attempts()));
        if (waiting > 0 && oldest.compareTo(maxAge) > 0) {
            health.down().withDetail("reason", "a change has waited " + oldest.toHours() + " h for delivery; more than "
                    + maxAge);
            return;
        }
        if (pending.isPresent() && pending.get().createdAt() != null
                && Duration.between(pending.get().createdAt(), clock.instant()).compareTo(maxAge) > 0) {
            health.down().withDetail("reason", "batch " + pending.get().id() + " has not been delivered for more than "
                    + maxAge);
            return;
        }
        health.up();
    }
}
