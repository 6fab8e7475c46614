package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.ledger.KnownValues;
import edu.cu.ecomm.optout.ledger.LedgerWrites;
import edu.cu.ecomm.optout.optin.OptInQueue;
import edu.cu.ecomm.optout.optin.ResubscribeRequests;
import edu.cu.ecomm.optout.support.MigratedDatabase;
import edu.cu.ecomm.optout.support.MutableClock;
import edu.cu.ecomm.optout.support.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Re-reading the contacts gap events name, against a Salesforce that answers or refuses SOQL by id. */
class GapRequeriesTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

    @AutoClose
    private final MigratedDatabase dataSource = TestDatabases.migrated();
    private final JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    private final MutableClock clock = new MutableClock(T0.plusSeconds(60));
    private final ChangeLedger ledger = new ChangeLedger(jdbc, clock);
    private final ContactReconciler reconciler = new ContactReconciler(new KnownValues(jdbc, clock), ledger,
            new DataLoadGuard(jdbc, ledger, new OptInQueue(jdbc, clock, 250, Duration.ofMinutes(5),
                    Duration.ofMinutes(1), Duration.ofHours(1)), new ResubscribeRequests(jdbc, clock), clock,
                    new SimpleMeterRegistry(), true, 20, 50, List.of(), Duration.ofDays(7)));
    /** The org's contacts as Salesforce has them now. */
    private final List<ContactValue> org = new ArrayList<>();
    /** SOQL queries Salesforce was asked, answered or refused. */
    private final AtomicInteger queries = new AtomicInteger();
    /** While set, Salesforce refuses every query, as it does once the org's daily API limit is spent. */
    private volatile boolean limitSpent;
    private final GapRequeries gapRequeries = new GapRequeries(jdbc, clock, new SalesforceOptOutValues(salesforce()),
            reconciler, new LedgerWrites(jdbc, new TransactionTemplate(new DataSourceTransactionManager(dataSource))),
            new DeadLetters(jdbc, clock), new SimpleMeterRegistry(), 200);

    @Test
    void aReReadSalesforceRefusedIsNotAskedAgainBeforeItsBackOffWhichDoublesPerFailure() {
        String contact = contact(1);
        org.add(new ContactValue(contact, true, T0));
        gapRequeries.queue(gapEvent("gap-1", contact));
        limitSpent = true;

        gapRequeries.processPending();
        assertThat(queries).as("the first try").hasValue(1);
        gapRequeries.processPending();
        assertThat(queries).as("the next poll, 5 s later, leaves Salesforce alone").hasValue(1);

        clock.advance(Duration.ofSeconds(5));
        gapRequeries.processPending();
        assertThat(queries).as("tried again after the first back-off").hasValue(2);
        clock.advance(Duration.ofSeconds(5));
        gapRequeries.processPending();
        assertThat(queries).as("the second back-off is twice as long").hasValue(2);

        limitSpent = false;
        clock.advance(Duration.ofSeconds(5));
        assertThat(gapRequeries.processPending()).isEqualTo(1);
        assertThat(ledger.forContact(contact)).singleElement()
                .satisfies(change -> assertThat(change.source()).isEqualTo(ChangeSource.GAP_REQUERY));
        assertThat(gapRequeries.pendingCount()).isZero();
    }

    @Test
    void contactsQueuedWhileReReadsFailWaitBehindTheFailingOnesInsteadOfCallingSalesforceAgain() {
        gapRequeries.queue(gapEvent("gap-1", contact(1)));
        limitSpent = true;
        gapRequeries.processPending();

        gapRequeries.queue(gapEvent("gap-2", contact(2)));
        gapRequeries.processPending();

        assertThat(queries).as("Salesforce would refuse the newer ones alike").hasValue(1);
        assertThat(gapRequeries.pendingCount()).isEqualTo(2);
    }

    @Test
    void failingReReadsShowSinceWhenTheyFailAndTheirLastError() {
        gapRequeries.queue(gapEvent("gap-1", contact(1)));
        Instant firstFailure = clock.instant();
        limitSpent = true;
        gapRequeries.processPending();
        clock.advance(Duration.ofMinutes(1));
        gapRequeries.queue(gapEvent("gap-2", contact(2)));
        gapRequeries.processPending();

        ReReadBacklog backlog = gapRequeries.backlog();

        assertThat(backlog.pending()).isEqualTo(2);
        assertThat(backlog.failingSince()).contains(firstFailure);
        assertThat(backlog.failingFor(clock.instant())).isEqualTo(Duration.ofMinutes(1));
        assertThat(backlog.lastError()).hasValueSatisfying(error -> assertThat(error).contains("REQUEST_LIMIT_EXCEEDED"));

        limitSpent = false;
        clock.advance(Duration.ofMinutes(5));
        gapRequeries.processPending();
        assertThat(gapRequeries.backlog().pending()).isZero();
        assertThat(gapRequeries.backlog().failingSince()).isEmpty();
    }

    private ContactChangeEvent gapEvent(String eventId, String contact) {
        return new ContactChangeEvent(eventId, "AAE=", "GAP_UPDATE", List.of(contact), Set.of(), null,
                "com/salesforce/api/rest/64.0", "tx-" + eventId, 1, T0, 1L, "005000000000001AAA");
    }

    /** Answers {@code Id IN (...)} queries from {@link #org}, in one page. */
    private ProducerTemplate salesforce() {
        ProducerTemplate producer = mock(ProducerTemplate.class);
        when(producer.requestBody(eq("direct:salesforce-query"), anyString(), eq(InputStream.class))).thenAnswer(call -> {
            queries.incrementAndGet();
            if (limitSpent) {
                throw new IllegalStateException("REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.");
            }
            String soql = call.getArgument(1, String.class);
            StringBuilder records = new StringBuilder();
            org.stream().filter(c -> soql.contains("'" + c.contactId() + "'"))
                    .forEach(c -> records.append(records.isEmpty() ? "" : ",").append("""
                            {"Id": "%s", "HasOptedOutOfEmail": %s, "SystemModstamp": "%s"}"""
                            .formatted(c.contactId(), c.optedOut(), c.systemModstamp())));
            return new ByteArrayInputStream(("{\"done\": true, \"records\": [" + records + "]}")
                    .getBytes(StandardCharsets.UTF_8));
        });
        return producer;
    }

    private static String contact(int n) {
        return SalesforceIds.toContactId18("00300000000000" + n).orElseThrow();
    }
}
