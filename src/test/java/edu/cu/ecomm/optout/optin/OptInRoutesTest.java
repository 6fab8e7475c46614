package edu.cu.ecomm.optout.optin;

import static edu.cu.ecomm.optout.optin.FlowsFixture.BOULDER;
import static edu.cu.ecomm.optout.optin.FlowsFixture.DENVER;
import static edu.cu.ecomm.optout.optin.FlowsFixture.PARENT;
import static edu.cu.ecomm.optout.optin.FlowsFixture.contactId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.ledger.DeadLetterService;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import edu.cu.ecomm.optout.optout.WarningKind;

/** The routes opt-in, opt-in-lookups and resubscribe-tickets, with Salesforce's query answered in-process. */
class OptInRoutesTest {

    private static final Pattern IDS = Pattern.compile("'([A-Za-z0-9]{18})'");

    @TempDir
    Path outbox;

    @AutoClose
    private final FlowsFixture f = new FlowsFixture();
    /** What the emulated Salesforce query answers per contact: the urgent flag and the ticked categories. */
    private final Map<String, String> salesforce = new ConcurrentHashMap<>();
    private final List<String> queries = new ArrayList<>();
    private final AtomicInteger salesforceFailures = new AtomicInteger();
    /** How many more times the sheet's endpoint fails (SFTP or the share down). */
    private final AtomicInteger sheetEndpointFailures = new AtomicInteger();
    /** How many more times the held-opt-ins file, sent after the sheet, fails. */
    private final AtomicInteger heldFileFailures = new AtomicInteger();
    private FlowRoutes routes;

    @BeforeEach
    void startRoutes() throws Exception {
        routes = new FlowRoutes(f, outbox, "opt-in.camel.yaml", "resubscribe-weekly.camel.yaml")
                .advice("opt-in-lookups", a -> {
                    a.replaceFromWith("direct:opt-in-lookups-now");
                    a.weaveById("read-opted-in-contacts").replace().process(this::answerQuery);
                })
                .advice("resubscribe-weekly", a -> a.replaceFromWith("direct:weekly-trigger"))
                .advice("resubscribe-export", a -> {
                    a.weaveById("deliver-resubscribe-sheet").before().process(e -> {
                        if (sheetEndpointFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                            throw new IOException("sheet endpoint unavailable (emulated)");
                        }
                    });
                    a.weaveById("deliver-held-opt-ins").before().process(e -> {
                        if (heldFileFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                            throw new IOException("held opt-ins endpoint unavailable (emulated)");
                        }
                    });
                })
                .start();
    }

    @AfterEach
    void stopRoutes() {
        routes.close();
    }

    private void answerQuery(Exchange exchange) {
        String soql = exchange.getMessage().getBody(String.class);
        queries.add(soql);
        if (salesforceFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IllegalStateException("Salesforce REST unavailable (emulated)");
        }
        StringBuilder records = new StringBuilder();
        Matcher ids = IDS.matcher(soql);
        while (ids.find()) {
            String fields = salesforce.get(ids.group(1));
            if (fields != null) {
                records.append(records.isEmpty() ? "" : ",").append("{\"attributes\":{\"type\":\"Contact\"},\"Id\":\"")
                        .append(ids.group(1)).append("\",\"Name\":\"Contact ").append(ids.group(1))
                        .append("\",\"Email\":\"c@example.edu\",").append(fields).append('}');
            }
        }
        exchange.getMessage().setBody("{\"done\":true,\"records\":[" + records + "]}");
    }

    private static String fields(boolean urgent, boolean events) {
        return "\"Urgent_Resubscribe__c\":%s,\"Pref_Alumni_News__c\":false,\"Pref_Events__c\":%s,\"Pref_Giving__c\":false"
                .formatted(urgent, events);
    }

    private ContactChange optIn(int n, boolean urgent, boolean events) {
        salesforce.put(contactId(n), fields(urgent, events));
        ContactChange change = f.optIn(contactId(n));
        routes.send("direct:opt-in", change);
        return change;
    }

    @Test
    void anOptInIsReadyForAscendAtOnceAndItsLookUpQueued() {
        ContactChange change = optIn(1, false, true);

        assertThat(f.ledger.find(change.id()).orElseThrow().state()).isEqualTo(ChangeState.READY);
        assertThat(f.queue.countPending()).isEqualTo(1);
        assertThat(f.marketingCloud.calls()).isEmpty();
    }

    @Test
    void twoHundredFiftyOptInsCostOneSalesforceQueryAndOneMarketingCloudLookUp() {
        IntStream.rangeClosed(1, 250).forEach(n -> optIn(n, false, true));
        f.marketingCloud.subscriber(contactId(7), PARENT, "Active").subscriber(contactId(7), BOULDER, "Unsubscribed");

        routes.send("direct:opt-in-lookups-now", null);

        assertThat(queries).hasSize(1);
        assertThat(f.marketingCloud.calls()).singleElement().satisfies(keys -> assertThat(keys).hasSize(250));
        assertThat(f.queue.countPending()).isZero();
        assertThat(f.count("subscriber_status")).isEqualTo(750);
        assertThat(f.requests.open()).singleElement().satisfies(r -> {
            assertThat(r.contactId()).isEqualTo(contactId(7));
            assertThat(r.unitName()).isEqualTo("CU Boulder");
            assertThat(r.contactName()).isEqualTo("Contact " + contactId(7));
        });
    }

    @Test
    void marketingCloudDownLeavesTheOptInsWaitingAndReadyThenRecovers() {
        ContactChange change = optIn(1, false, true);
        f.marketingCloud.subscriber(contactId(1), DENVER, "Held").failNext(1);

        routes.send("direct:opt-in-lookups-now", null);

        assertThat(f.queue.countPending()).isEqualTo(1);
        assertThat(f.requests.open()).isEmpty();
        assertThat(f.ledger.find(change.id()).orElseThrow().state()).isEqualTo(ChangeState.READY);
        routes.send("direct:opt-in-lookups-now", null);
        assertThat(f.marketingCloud.calls()).hasSize(1);

        f.clock.advance(Duration.ofMinutes(1));
        routes.send("direct:opt-in-lookups-now", null);

        assertThat(f.queue.countPending()).isZero();
        assertThat(f.requests.open()).singleElement().satisfies(r -> assertThat(r.unitName()).isEqualTo("CU Denver"));
    }

    @Test
    void salesforceDownLeavesTheOptInsWaitingToo() {
        optIn(1, false, true);
        salesforceFailures.set(1);

        routes.send("direct:opt-in-lookups-now", null);
        assertThat(f.queue.countPending()).isEqualTo(1);
        assertThat(f.marketingCloud.calls()).isEmpty();

        f.clock.advance(Duration.ofMinutes(1));
        routes.send("direct:opt-in-lookups-now", null);
        assertThat(f.queue.countPending()).isZero();
    }

    @Test
    void anUrgentContactGetsOneTicketFilePerRequestNotOnePerLookUp() throws Exception {
        optIn(1, true, true);
        f.marketingCloud.subscriber(contactId(1), BOULDER, "Bounced").subscriber(contactId(1), DENVER, "Held");

        routes.send("direct:opt-in-lookups-now", null);
        routes.send("direct:resubscribe-tickets", null);
        optIn(1, true, true);
        f.clock.advance(Duration.ofMinutes(1));
        routes.send("direct:opt-in-lookups-now", null);

        List<Path> tickets = files("tickets");
        assertThat(tickets).hasSize(2);
        assertThat(f.requests.open()).hasSize(2).allSatisfy(r -> assertThat(r.ticketSentAt()).isNotNull());
        assertThat(Files.readString(tickets.get(0))).contains("\"category\" : \"Marketing Cloud > Resubscribe Contact\"");
    }

    @Test
    void anOptInWithNoCategoryRecheckedIsWarnedAbout() {
        optIn(1, false, false);

        routes.send("direct:opt-in-lookups-now", null);

        assertThat(f.warnings.unlisted()).singleElement()
                .satisfies(w -> assertThat(w.kind()).isEqualTo(WarningKind.NO_CATEGORY_RECHECKED));
    }

    @Test
    void aTicketTheHelpDeskDidNotTakeIsSentOnTheNextTry() throws Exception {
        optIn(1, true, true);
        f.marketingCloud.subscriber(contactId(1), BOULDER, "Bounced");
        Files.writeString(outbox.resolve("tickets"), "a file where the folder should be");

        routes.send("direct:opt-in-lookups-now", null);
        assertThat(f.requests.unsentTickets()).hasSize(1);

        Files.delete(outbox.resolve("tickets"));
        routes.send("direct:resubscribe-tickets", null);

        assertThat(files("tickets")).hasSize(1);
        assertThat(f.requests.unsentTickets()).isEmpty();
    }

    @Test
    void theWeeklyTriggerRechecksAndExportsTheSheet() throws Exception {
        optIn(1, false, true);
        optIn(2, false, true);
        f.marketingCloud.subscriber(contactId(1), BOULDER, "Held").subscriber(contactId(2), DENVER, "Bounced");
        routes.send("direct:opt-in-lookups-now", null);
        f.marketingCloud.subscriber(contactId(1), BOULDER, "Active");

        routes.send("direct:weekly-trigger", null);

        List<Path> sheets = files("resubscribe");
        assertThat(sheets).singleElement().satisfies(p -> assertThat(p.getFileName().toString())
                .isEqualTo("resubscribe-requests-2026-11-23-070000-000.csv"));
        List<String> lines = Files.readAllLines(sheets.get(0));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith("RESUBSCRIBE," + contactId(2) + ",Contact " + contactId(2))
                .contains(",CU Denver,300,Bounced,YELLOW,");
        assertThat(f.requests.open()).singleElement().satisfies(r -> assertThat(r.exportedAt()).isNotNull());
    }

    @Test
    void twoExportsInTheSameMinuteEachKeepTheirFile() throws Exception {
        optIn(1, false, false);
        routes.send("direct:opt-in-lookups-now", null);
        routes.send("direct:resubscribe-export", null);
        f.clock.advance(Duration.ofSeconds(20));

        routes.send("direct:resubscribe-export", null);

        List<Path> sheets = files("resubscribe");
        assertThat(sheets).hasSize(2);
        assertThat(Files.readString(sheets.get(0))).as("the first one listed the warning")
                .contains(WarningKind.NO_CATEGORY_RECHECKED.name() + "," + contactId(1));
        assertThat(Files.readString(sheets.get(1))).doesNotContain(WarningKind.NO_CATEGORY_RECHECKED.name());
    }

    @Test
    void theSheetIsExportedWithLastKnownStatusesWhenMarketingCloudIsDown() throws Exception {
        optIn(1, false, true);
        f.marketingCloud.subscriber(contactId(1), BOULDER, "Held");
        routes.send("direct:opt-in-lookups-now", null);
        f.marketingCloud.failNext(1);

        routes.send("direct:resubscribe-export", null);

        assertThat(Files.readAllLines(files("resubscribe").get(0))).hasSize(2);
    }

    @Test
    void aSheetTheEndpointRefusesOnceIsSentByTheRetryWithItsWarnings() throws Exception {
        optIn(1, false, false);
        routes.send("direct:opt-in-lookups-now", null);
        sheetEndpointFailures.set(1);

        routes.send("direct:weekly-trigger", null);

        assertThat(files("resubscribe")).singleElement().satisfies(sheet -> assertThat(Files.readString(sheet))
                .contains(WarningKind.NO_CATEGORY_RECHECKED.name() + "," + contactId(1)));
        assertThat(f.warnings.unlisted()).isEmpty();
        assertThat(f.deadLetters.open()).isEmpty();
    }

    @Test
    void aSheetThatCannotBeSentAfterTheRetriesIsADeadLetterAndItsReplayExportsAgain() throws Exception {
        optIn(1, false, false);
        routes.send("direct:opt-in-lookups-now", null);
        sheetEndpointFailures.set(100);

        assertThatThrownBy(() -> routes.send("direct:weekly-trigger", null))
                .hasRootCauseMessage("sheet endpoint unavailable (emulated)");

        assertThat(sheetEndpointFailures.get()).as("tried once and retried twice").isEqualTo(97);
        assertThat(f.warnings.unlisted()).as("not listed on a sheet that was not sent").hasSize(1);
        List<DeadLetter> letters = f.deadLetters.open();
        assertThat(letters).hasSize(1);
        DeadLetter letter = letters.get(0);
        assertThat(letter.routeId()).isEqualTo("resubscribe-export");
        assertThat(letter.reason()).startsWith("Re-subscribe sheet resubscribe-requests-2026-11-23-070000-000.csv"
                + " (0 request(s), 1 preference warning(s)) not sent after the retries");

        sheetEndpointFailures.set(0);
        f.clock.advance(Duration.ofHours(2));
        DeadLetterService.Outcome replayed = new DeadLetterService(f.deadLetters,
                List.of(new ResubscribeAdmin(f.requests, routes.context.createProducerTemplate()))).replay(letter.id());

        assertThat(replayed.resolved()).isTrue();
        assertThat(files("resubscribe")).singleElement().satisfies(sheet -> assertThat(Files.readString(sheet))
                .contains(WarningKind.NO_CATEGORY_RECHECKED.name() + "," + contactId(1)));
        assertThat(f.warnings.unlisted()).isEmpty();
        assertThat(f.deadLetters.open()).isEmpty();
    }

    @Test
    void aHeldOptInsFileThatCannotBeSentIsRetriedThenADeadLetterThatSaysTheSheetItselfWasSent() throws Exception {
        optIn(1, false, false);
        routes.send("direct:opt-in-lookups-now", null);
        ContactChange held = f.optIn(contactId(2));
        f.jdbc.update("update contact_change set state = 'HELD' where id = ?", held.id());
        heldFileFailures.set(100);

        assertThatThrownBy(() -> routes.send("direct:weekly-trigger", null))
                .hasRootCauseMessage("held opt-ins endpoint unavailable (emulated)");

        assertThat(heldFileFailures.get()).as("tried once and retried twice").isEqualTo(97);
        assertThat(files("resubscribe")).as("the sheet was sent once, the held opt-ins file never").singleElement()
                .satisfies(sheet -> assertThat(sheet.getFileName().toString()).startsWith("resubscribe-requests-"));
        assertThat(f.warnings.unlisted()).as("listed on the sheet that was sent").isEmpty();
        assertThat(f.deadLetters.open()).singleElement().satisfies(letter -> {
            assertThat(letter.routeId()).isEqualTo("resubscribe-export");
            assertThat(letter.reason()).startsWith("Held opt-ins file (after re-subscribe sheet"
                    + " resubscribe-requests-2026-11-23-070000-000.csv, which was sent) not sent after the retries");
        });
    }

    private List<Path> files(String folder) throws Exception {
        try (Stream<Path> list = Files.list(outbox.resolve(folder))) {
            return list.sorted().toList();
        }
    }
}
