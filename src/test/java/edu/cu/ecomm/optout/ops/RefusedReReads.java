package edu.cu.ecomm.optout.ops;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import edu.cu.ecomm.optout.intake.CatchUps;
import edu.cu.ecomm.optout.intake.ContactChangeEvent;
import edu.cu.ecomm.optout.intake.GapRequeries;
import edu.cu.ecomm.optout.intake.SalesforceOptOutValues;
import edu.cu.ecomm.optout.ledger.DeadLetters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.ProducerTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The catch-up and gap re-read queues on a test database, against a Salesforce that refuses every query as it
 * does once the org's daily API limit is spent: what the operator's figures read when re-reads keep failing.
 */
final class RefusedReReads {

    static final String REFUSAL = "REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.";

    final CatchUps catchUps;
    final GapRequeries gapRequeries;
    private final Clock clock;

    RefusedReReads(JdbcTemplate jdbc, Clock clock) {
        this.clock = clock;
        ProducerTemplate salesforce = mock(ProducerTemplate.class);
        when(salesforce.requestBody(anyString(), any(), any(Class.class))).thenThrow(new IllegalStateException(REFUSAL));
        SalesforceOptOutValues refusing = new SalesforceOptOutValues(salesforce);
        // Refused before anything is compared or recorded: no reconciler, ledger writes or snapshot are reached.
        this.catchUps = new CatchUps(jdbc, clock, refusing, null, null, null, new SimpleMeterRegistry(),
                Duration.ofHours(2), Duration.ofSeconds(30), Duration.ofMinutes(15));
        this.gapRequeries = new GapRequeries(jdbc, clock, refusing, null, null, new DeadLetters(jdbc, clock),
                new SimpleMeterRegistry(), 200);
    }

    /** A catch-up is requested and its first try is refused now. */
    void catchUpRefused() {
        catchUps.request(clock.instant().minus(Duration.ofHours(1)), "GAP_OVERFLOW event");
        catchUps.runPending();
    }

    /** A gap event's contact is queued and its first re-read is refused now. */
    void gapReReadRefused() {
        gapRequeries.queue(new ContactChangeEvent("gap-" + clock.instant().toEpochMilli(), "AAE=", "GAP_UPDATE",
                List.of("003000000000001AAA"), Set.of(), null, "com/salesforce/api/rest/64.0", "tx-1", 1,
                clock.instant(), 1L, "005000000000001AAA"));
        gapRequeries.processPending();
    }

    Instant now() {
        return clock.instant();
    }
}
