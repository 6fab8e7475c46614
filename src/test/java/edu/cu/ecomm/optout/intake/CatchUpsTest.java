package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.KnownValues;
import edu.cu.ecomm.optout.ledger.LedgerWrites;
import edu.cu.ecomm.optout.ledger.NewChange;
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

/** A catch-up's window against a Salesforce that answers SOQL on SystemModstamp as Salesforce does. */
class CatchUpsTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    private static final Duration OVERLAP = Duration.ofMinutes(15);
    private static final Pattern FROM = Pattern.compile("SystemModstamp >= (\\S+)");

    @AutoClose
    private final MigratedDatabase dataSource = TestDatabases.migrated();
    private final JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    private final MutableClock clock = new MutableClock(T0.plusSeconds(3600));
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
    private final InitialSnapshot snapshot = mock(InitialSnapshot.class);
    private final CatchUps catchUps = new CatchUps(jdbc, clock, new SalesforceOptOutValues(salesforce()), reconciler,
            new LedgerWrites(jdbc, new TransactionTemplate(new DataSourceTransactionManager(dataSource))), snapshot,
            new SimpleMeterRegistry(), Duration.ofHours(2), Duration.ofSeconds(30), OVERLAP);

    @Test
    void aContactModifiedBeforeTheRequestedStartButWithinTheOverlapIsFound() {
        // Modified 10 minutes into a long transaction that committed at T0: the overflow event's commit time.
        String contact = contact(1);
        org.add(new ContactValue(contact, true, T0.minus(Duration.ofMinutes(10))));

        CatchUps.Report report = catchUps.catchUpFrom(T0, "GAP_OVERFLOW event");

        assertThat(report.recorded()).isEqualTo(1);
        assertThat(ledger.forContact(contact)).singleElement().satisfies(change -> {
            assertThat(change.optedOut()).isTrue();
            assertThat(change.source()).isEqualTo(ChangeSource.CATCHUP);
        });
    }

    @Test
    void aCatchUpWhoseWindowOverlapsAlreadyRecordedChangesRecordsNothingTwice() {
        String byEvent = contact(1);
        String byEarlierCatchUp = contact(2);
        Instant eventTime = T0.minus(Duration.ofMinutes(5));
        ledger.record(new NewChange(byEvent, true, "UPDATE", eventTime, 1L, "tx", 1, UUID.randomUUID().toString(),
                null, "com/salesforce/api/rest/64.0", null, ChangeSource.CDC)).orElseThrow();
        org.add(new ContactValue(byEvent, true, eventTime));
        org.add(new ContactValue(byEarlierCatchUp, true, T0.minus(Duration.ofMinutes(8))));
        assertThat(catchUps.catchUpFrom(T0.minus(Duration.ofMinutes(10)), "earlier").recorded()).isEqualTo(1);

        CatchUps.Report report = catchUps.catchUpFrom(T0, "overlapping");

        assertThat(report.compared()).as("both read again within the overlap").isEqualTo(2);
        assertThat(report.recorded()).isZero();
        assertThat(ledger.forContact(byEvent)).hasSize(1);
        assertThat(ledger.forContact(byEarlierCatchUp)).hasSize(1);
    }

    @Test
    void aCatchUpSalesforceRefusedIsNotAskedAgainBeforeItsBackOffWhichDoublesPerFailure() {
        catchUps.request(T0, "GAP_OVERFLOW event");
        limitSpent = true;

        catchUps.runPending();
        assertThat(queries).as("the first try").hasValue(1);
        catchUps.runPending();
        assertThat(queries).as("the next poll, 5 s later, leaves Salesforce alone").hasValue(1);

        clock.advance(Duration.ofSeconds(5));
        catchUps.runPending();
        assertThat(queries).as("tried again after the first back-off").hasValue(2);
        clock.advance(Duration.ofSeconds(5));
        catchUps.runPending();
        assertThat(queries).as("the second back-off is twice as long").hasValue(2);

        limitSpent = false;
        clock.advance(Duration.ofSeconds(5));
        assertThat(catchUps.runPending()).isZero();
        assertThat(queries).hasValue(3);
        assertThat(catchUps.pendingCount()).as("done once Salesforce answers").isZero();
    }

    @Test
    void theBackOffOfAFailingCatchUpGrowsToFiveMinutesAndNoFurther() {
        catchUps.request(T0, "GAP_OVERFLOW event");
        limitSpent = true;
        for (int failure = 1; failure <= 8; failure++) {
            clock.advance(Duration.ofMinutes(5));
            catchUps.runPending();
        }
        assertThat(queries).as("tried at every one of them: no wait grows past 5 minutes").hasValue(8);

        clock.advance(Duration.ofMinutes(4));
        catchUps.runPending();
        assertThat(queries).as("but the wait has grown to 5 minutes").hasValue(8);
    }

    @Test
    void aFailingCatchUpShowsSinceWhenItFailsAndItsLastError() {
        catchUps.request(T0, "GAP_OVERFLOW event");
        Instant firstFailure = clock.instant();
        limitSpent = true;
        catchUps.runPending();
        clock.advance(Duration.ofMinutes(1));
        catchUps.runPending();

        ReReadBacklog backlog = catchUps.backlog();

        assertThat(backlog.pending()).isEqualTo(1);
        assertThat(backlog.failingSince()).contains(firstFailure);
        assertThat(backlog.failingFor(clock.instant())).isEqualTo(Duration.ofMinutes(1));
        assertThat(backlog.lastError()).hasValueSatisfying(error -> assertThat(error).contains("REQUEST_LIMIT_EXCEEDED"));

        limitSpent = false;
        clock.advance(Duration.ofMinutes(5));
        catchUps.runPending();
        assertThat(catchUps.backlog()).isEqualTo(new ReReadBacklog(0, Optional.empty(), Optional.empty()));
    }

    @Test
    void aFailingInitialSnapshotDoesNotHoldBackAPendingCatchUp() {
        when(snapshot.run(any())).thenThrow(new IllegalStateException("Bulk API query job 750x ended FAILED"));
        catchUps.requestSnapshot("first start");
        String contact = contact(1);
        org.add(new ContactValue(contact, true, T0));
        catchUps.request(T0, "GAP_OVERFLOW event");

        assertThat(catchUps.runPending()).isEqualTo(1);

        assertThat(ledger.forContact(contact)).singleElement()
                .satisfies(change -> assertThat(change.source()).isEqualTo(ChangeSource.CATCHUP));
        assertThat(jdbc.queryForList("select kind from catch_up_request where state = 'PENDING'", String.class))
                .as("only the snapshot is left, to be tried again").containsExactly(CatchUps.SNAPSHOT);
    }

    /** Answers {@code SystemModstamp >= literal} queries from {@link #org}, oldest first, in one page. */
    private ProducerTemplate salesforce() {
        ProducerTemplate producer = mock(ProducerTemplate.class);
        when(producer.requestBody(eq("direct:salesforce-query"), anyString(), eq(InputStream.class))).thenAnswer(call -> {
            queries.incrementAndGet();
            if (limitSpent) {
                throw new IllegalStateException("REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.");
            }
            Matcher from = FROM.matcher(call.getArgument(1, String.class));
            Instant since = from.find() ? Instant.parse(from.group(1)) : Instant.MIN;
            StringBuilder records = new StringBuilder();
            org.stream().filter(c -> !c.systemModstamp().isBefore(since))
                    .sorted((a, b) -> a.systemModstamp().compareTo(b.systemModstamp()))
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
