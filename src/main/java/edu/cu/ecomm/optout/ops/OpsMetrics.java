package edu.cu.ecomm.optout.ops;

import java.util.function.ToDoubleFunction;

import edu.cu.ecomm.optout.ledger.DeadLetters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Metrics read from the database when a registry publishes them (e.g. a Prometheus scrape): counters of what the
 * whole cluster has done (batches and rows delivered, look-ups, dead letters) and gauges of what waits. They come
 * from the ledger, so every node reports the same values and a restart does not reset them. The per-node counters
 * of intake ({@code optout.intake.*}) are counted where the events arrive.
 */
@Component
class OpsMetrics implements MeterBinder {

    private static final Logger LOG = LoggerFactory.getLogger(OpsMetrics.class);

    private final LedgerFigures figures;
    private final DeliveryFigures delivery;
    private final DeadLetters deadLetters;

    OpsMetrics(LedgerFigures figures, DeliveryFigures delivery, DeadLetters deadLetters) {
        this.figures = figures;
        this.delivery = delivery;
        this.deadLetters = deadLetters;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "optout.delivery.batches", "Batches delivered to CU Ascend", f -> delivery.batchesDelivered());
        counter(registry, "optout.delivery.rows", "Rows (contacts) delivered to CU Ascend", f -> delivery.rowsDelivered());
        counter(registry, "optout.lookups", "Opt-in look-ups completed in Marketing Cloud", LedgerFigures::lookUpsDone);
        counter(registry, "optout.dead.letters", "Dead letters recorded", LedgerFigures::deadLetters);
        gauge(registry, "optout.dead.letters.open", "Dead letters waiting for an operator", f -> deadLetters.countOpen());
        gauge(registry, "optout.delivery.waiting", "Changes not yet delivered to CU Ascend",
                LedgerFigures::waitingForDelivery);
        gauge(registry, "optout.delivery.oldest.waiting.seconds", "Age of the oldest undelivered change",
                f -> f.oldestWaitingAge().toSeconds());
        gauge(registry, "optout.intake.lag.seconds", "Newest event's recording time minus its commit time",
                f -> f.intakeLag().map(d -> (double) d.toSeconds()).orElse(Double.NaN));
        gauge(registry, "optout.resubscribe.open", "Open re-subscribe requests", LedgerFigures::openResubscribeRequests);
        gauge(registry, "optout.lookups.pending", "Opt-ins waiting for their Marketing Cloud look-up",
                LedgerFigures::lookUpsPending);
    }

    private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<LedgerFigures> value) {
        FunctionCounter.builder(name, figures, safely(value)).description(description).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<LedgerFigures> value) {
        Gauge.builder(name, figures, safely(value)).description(description).register(registry);
    }

    /** A database that is away gives NaN (no sample) instead of an exception in the registry. */
    private static ToDoubleFunction<LedgerFigures> safely(ToDoubleFunction<LedgerFigures> value) {
        return f -> {
            try {
                return value.applyAsDouble(f);
            } catch (RuntimeException e) {
                LOG.debug("metric not available: {}", e.getMessage());
                return Double.NaN;
            }
        };
    }
}
