package edu.cu.ecomm.optout.ops;

import java.time.Clock;
import java.util.function.ToDoubleFunction;

import edu.cu.ecomm.optout.intake.CatchUps;
import edu.cu.ecomm.optout.intake.GapRequeries;
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
    private final CatchUps catchUps;
    private final GapRequeries gapRequeries;
    private final Clock clock;

    OpsMetrics(LedgerFigures figures, DeliveryFigures delivery, DeadLetters deadLetters, CatchUps catchUps,
               GapRequeries gapRequeries, Clock clock) {
        this.figures = figures;
        this.delivery = delivery;
        this.deadLetters = deadLetters;
        this.catchUps = catchUps;
        this.gapRequeries = gapRequeries;
        this.clock = clock;
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
        gauge(registry, "optout.resubscribe.tickets.waiting", "Urgent help-desk tickets not sent yet",
                LedgerFigures::urgentTicketsWaiting);
        gauge(registry, "optout.resubscribe.tickets.failing",
                "Urgent help-desk tickets the help desk did not take at least once, not sent yet (dead letters included)",
                LedgerFigures::urgentTicketsFailing);
        gauge(registry, "optout.lookups.pending", "Opt-ins waiting for their Marketing Cloud look-up",
                LedgerFigures::lookUpsPending);
        gauge(registry, "optout.catch-up.pending", "Catch-ups and the initial snapshot asked for and not done yet",
                f -> catchUps.backlog().pending());
        gauge(registry, "optout.catch-up.failing.seconds",
                "How long the longest-failing pending catch-up or snapshot has been failing; 0 when none fails",
                f -> catchUps.backlog().failingFor(clock.instant()).toSeconds());
        gauge(registry, "optout.gap-requery.pending", "Contacts named by gap events waiting to be re-read",
                f -> gapRequeries.backlog().pending());
        gauge(registry, "optout.gap-requery.failing.seconds",
                "How long the re-read of contacts named by gap events has been failing; 0 when it does not fail",
                f -> gapRequeries.backlog().failingFor(clock.instant()).toSeconds());
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
