package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.KnownValues;
import edu.cu.ecomm.optout.ledger.LedgerWrites;
import edu.cu.ecomm.optout.ledger.NewChange;
import edu.cu.ecomm.optout.optin.OptInQueue;
import edu.cu.ecomm.optout.optin.ResubscribeRequests;
import edu.cu.ecomm.optout.support.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** A catch-up's window against a Salesforce that answers SOQL on SystemModstamp as Salesforce does. */
class CatchUpsTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    private static final Duration OVERLAP = Duration.ofMinutes(15);
    private static final Pattern FROM = Pattern.compile("SystemModstamp >= (\\S+)");

    private final DataSource dataSource = TestDatabases.migrated();
    private final JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    private final Clock clock = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);
    private final ChangeLedger ledger = new ChangeLedger(jdbc, clock);
    private final ContactReconciler reconciler = new ContactReconciler(new KnownValues(jdbc, clock), ledger,
            new DataLoadGuard(jdbc, ledger, new OptInQueue(jdbc, clock, 250, Duration.ofMinutes(5),
                    Duration.ofMinutes(1), Duration.ofHours(1)), new ResubscribeRequests(jdbc, clock), clock,
                    new SimpleMeterRegistry(), true, 20, 50, List.of(), Duration.ofDays(7)));
    /** The org's contacts as Salesforce has them now. */
    private final List<ContactValue> org = new ArrayList<>();
    private final CatchUps catchUps = new CatchUps(jdbc, clock, new SalesforceOptOutValues(salesforce()), reconciler,
            new LedgerWrites(jdbc, new TransactionTemplate(new DataSourceTransactionManager(dataSource))), null,
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

    /** Answers {@code SystemModstamp >= literal} queries from {@link #org}, oldest first, in one page. */
    private ProducerTemplate salesforce() {
        ProducerTemplate producer = mock(ProducerTemplate.class);
        when(producer.requestBody(eq("direct:salesforce-query"), anyString(), eq(InputStream.class))).thenAnswer(call -> {
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
