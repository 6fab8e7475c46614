package edu.cu.ecomm.optout.optin;

import static edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator.BOULDER_MID;
import static edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator.DENVER_MID;
import static edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator.PARENT_MID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.intake.SalesforceIds;
import edu.cu.ecomm.optout.intake.SoqlGetLimit;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.ledger.Direction;
import edu.cu.ecomm.optout.optin.SubscriberStatuses.StoredStatus;
import edu.cu.ecomm.optout.optout.PreferenceWarnings;
import edu.cu.ecomm.optout.optout.SalesforceContacts;
import edu.cu.ecomm.optout.optout.PreferenceWarnings.PreferenceWarning;
import edu.cu.ecomm.optout.optout.WarningKind;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import edu.cu.ecomm.optout.support.ServiceIntegrationTest;

/**
 * The opt-out and opt-in flows in the whole service, over real sockets: contacts changed through the Salesforce
 * emulator's REST API reach the routes over Pub/Sub; the routes read them back over REST (camel-salesforce
 * {@code getSObject} and {@code query}) and look subscribers up with the SOAP client in the Marketing Cloud
 * emulator. Two units are configured (CU System, CU Boulder); CU Denver exists in the account only, so it is
 * reported as "MID 100000003".
 */
class OptInOptOutIntegrationTest extends ServiceIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Path OUTBOX = Path.of("target", "test-outbox", UUID.randomUUID().toString());
    private static final String DENVER_AS_REPORTED = "MID " + DENVER_MID;

    @DynamicPropertySource
    static void flows(DynamicPropertyRegistry registry) {
        registry.add("optout.marketing-cloud.business-units[0].mid", () -> PARENT_MID);
        registry.add("optout.marketing-cloud.business-units[0].name", () -> "CU System");
        registry.add("optout.marketing-cloud.business-units[1].mid", () -> BOULDER_MID);
        registry.add("optout.marketing-cloud.business-units[1].name", () -> "CU Boulder");
        registry.add("optout.optin.poll-interval", () -> "200");
        registry.add("optout.optin.retry-first", () -> "PT0.3S");
        registry.add("optout.optin.retry-max", () -> "PT1S");
        registry.add("optout.tickets.endpoint", () -> "file:" + OUTBOX.resolve("tickets"));
        registry.add("optout.resubscribe.endpoint", () -> "file:" + OUTBOX.resolve("resubscribe"));
        registry.add("optout.ascend.endpoint", () -> "file:" + OUTBOX.resolve("ascend"));
        registry.add("optout.ascend.staging-dir", () -> OUTBOX.resolve("ascend-staging").toString());
        // 125 opt-ins per composite update would be held by the data-load guard (DataLoadGuardIntegrationTest);
        // these tests are about the opt-in flow, so the guard lets them through.
        registry.add("optout.guard.max-opt-ins", () -> "1000");
    }

    @Autowired
    SalesforceEmulator salesforce;
    @Autowired
    MarketingCloudEmulator marketingCloud;
    @Autowired
    CamelContext camel;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ChangeLedger ledger;
    @Autowired
    OptInQueue queue;
    @Autowired
    ResubscribeRequests requests;
    @Autowired
    PreferenceWarnings warnings;
    @Autowired
    SubscriberStatuses statuses;
    @Autowired
    ResubscribeAdmin admin;
    @Autowired
    SalesforceContacts salesforceContacts;

    private SalesforceRestClient specialist;

    @BeforeEach
    void subscribed() {
        specialist = specialistOnceSubscribed();
    }

    @Test
    void aFullBatchOf500OptInsIsReadFromSalesforceInOneQueryWithTheConfiguredFields() {
        List<String> ids = IntStream.range(0, OptInQueue.MAX_BATCH_SIZE)
                .mapToObj(i -> SalesforceIds.toContactId18(String.format("003Dn%010d", i)).orElseThrow()).toList();
        String soql = salesforceContacts.soqlFor(ids);

        // The service's own camel-salesforce, as application.yaml configures it, sends the GET and Salesforce takes it.
        String answer = camel.createProducerTemplate().requestBody("salesforce:query?rawPayload=true", soql, String.class);

        assertThat(salesforceContacts.fromQuery(answer)).isEmpty();
        assertThat(SoqlGetLimit.uriBytes(soql)).isGreaterThan(13_000);
    }

    @Test
    void preferencesStillTickedAfterAnOptOutAreListed() {
        String contact = newContact(Map.of("Pref_Events__c", true, "Pref_Giving__c", true));

        specialist.setOptOut(contact, true);

        ContactChange change = awaitReady(contact, Direction.OPT_OUT);
        assertThat(warnings.forContact(contact)).singleElement().satisfies(w -> {
            assertThat(w.changeId()).isEqualTo(change.id());
            assertThat(w.kind()).isEqualTo(WarningKind.PREFERENCES_NOT_CLEARED);
            assertThat(w.fields()).isEqualTo("Pref_Events__c,Pref_Giving__c");
        });
    }

    @Test
    void preferencesClearedWithTheOptOutAreNotListed() {
        String contact = newContact(Map.of("Pref_Events__c", true));

        specialist.update(contact, Map.of("HasOptedOutOfEmail", true, "Pref_Events__c", false));

        awaitReady(contact, Direction.OPT_OUT);
        assertThat(warnings.forContact(contact)).isEmpty();
    }

    @Test
    void everyColourIsStoredPerUnitAndEveryUnitNotGreenGetsARequest() {
        String mixed = optedOutContact();
        String red = optedOutContact();
        String nowhere = optedOutContact();
        String deleted = optedOutContact();
        marketingCloud.seed(PARENT_MID, mixed, "mixed@example.edu", "Active");
        marketingCloud.seed(BOULDER_MID, mixed, "mixed@example.edu", "Bounced");
        marketingCloud.seed(DENVER_MID, mixed, "mixed@example.edu", "Held");
        marketingCloud.seed(PARENT_MID, red, "red@example.edu", "Active");
        marketingCloud.seed(BOULDER_MID, red, "red@example.edu", "Unsubscribed");
        marketingCloud.seed(BOULDER_MID, deleted, "deleted@example.edu", "Deleted");

        List<ContactChange> optIns = optIn(List.of(mixed, red, nowhere, deleted));

        assertThat(storedStatuses(optIns.get(0))).containsExactly(
                tuple("CU System", "Active", ShirtColour.GREEN),
                tuple("CU Boulder", "Bounced", ShirtColour.YELLOW),
                tuple(DENVER_AS_REPORTED, "Held", ShirtColour.GRAY));
        assertThat(storedStatuses(optIns.get(1))).containsExactly(
                tuple("CU System", "Active", ShirtColour.GREEN),
                tuple("CU Boulder", "Unsubscribed", ShirtColour.RED));
        assertThat(storedStatuses(optIns.get(2))).containsExactly(
                tuple("CU System", "NOT_FOUND", ShirtColour.NOT_FOUND),
                tuple("CU Boulder", "NOT_FOUND", ShirtColour.NOT_FOUND));
        assertThat(storedStatuses(optIns.get(3))).containsExactly(
                tuple("CU System", "NOT_FOUND", ShirtColour.NOT_FOUND),
                tuple("CU Boulder", "Deleted", ShirtColour.NOT_FOUND));
        assertThat(requests.forContact(mixed)).extracting(ResubscribeRequest::unitName, ResubscribeRequest::colour)
                .containsExactly(tuple("CU Boulder", ShirtColour.YELLOW), tuple(DENVER_AS_REPORTED, ShirtColour.GRAY));
        assertThat(requests.forContact(red)).extracting(ResubscribeRequest::unitName)
                .containsExactly("CU Boulder");
        assertThat(requests.forContact(nowhere)).isEmpty();
        assertThat(requests.forContact(deleted)).isEmpty();
    }

    @Test
    void anUrgentOptInGetsOneTicketAndTheSheetListsWhatIsStillNotGreen() throws IOException {
        String urgent = optedOutContact();
        String fixedSince = optedOutContact();
        marketingCloud.seed(PARENT_MID, urgent, "u@example.edu", "Active");
        marketingCloud.seed(BOULDER_MID, urgent, "u@example.edu", "Unsubscribed");
        marketingCloud.seed(BOULDER_MID, fixedSince, "f@example.edu", "Held");

        specialist.update(urgent, Map.of("HasOptedOutOfEmail", false, "Urgent_Resubscribe__c", true));
        specialist.update(fixedSince, Map.of("HasOptedOutOfEmail", false, "Pref_Events__c", true));
        await().atMost(PATIENCE).until(() -> requests.forContact(urgent).size() == 1
                && requests.forContact(fixedSince).size() == 1);

        ResubscribeRequest request = requests.forContact(urgent).get(0);
        assertThat(request.urgent()).isTrue();
        Path ticket = OUTBOX.resolve("tickets/resubscribe-RSR-" + request.id() + ".json");
        await().atMost(PATIENCE).until(() -> Files.exists(ticket));
        assertThat(Files.readString(ticket)).contains(urgent).contains("Marketing Cloud > Resubscribe Contact")
                .contains("\"businessUnit\" : \"CU Boulder\"").contains("\"status\" : \"Unsubscribed\"");
        assertThat(requests.forContact(fixedSince).get(0).urgent()).isFalse();
        assertThat(warnings.forContact(urgent)).extracting(PreferenceWarning::kind)
                .containsExactly(WarningKind.NO_CATEGORY_RECHECKED);
        assertThat(ticketFiles()).filteredOn(p -> p.getFileName().toString().contains("RSR-" + request.id() + "."))
                .hasSize(1);

        marketingCloud.seed(BOULDER_MID, fixedSince, "f@example.edu", "Active");
        admin.exportNow();

        String sheet = Files.readString(sheets().get(sheets().size() - 1));
        assertThat(sheet).contains("RESUBSCRIBE," + urgent + ",").contains(",CU Boulder," + BOULDER_MID + ",Unsubscribed,RED,")
                .contains(",yes,RSR-" + request.id() + ",").contains("NO_CATEGORY_RECHECKED," + urgent + ",")
                .doesNotContain(fixedSince);
        assertThat(requests.forContact(fixedSince).get(0).closeReason()).isEqualTo("Re-checked: GREEN (Active)");
    }

    @Test
    void twoHundredFiftyOptInsAreLookedUpInAtMostThreeSoapCalls() throws Exception {
        List<String> contacts = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            contacts.add(newContact(Map.of("Pref_Events__c", true)));
        }
        contacts.forEach(c -> marketingCloud.seed(BOULDER_MID, c, c + "@example.edu", "Held"));
        specialist.updateAll(contacts.subList(0, 125), Map.of("HasOptedOutOfEmail", true), null);
        specialist.updateAll(contacts.subList(125, 250), Map.of("HasOptedOutOfEmail", true), null);
        await().atMost(PATIENCE).until(() -> contacts.stream().allMatch(c -> isReady(c, Direction.OPT_OUT)));
        camel.getRouteController().stopRoute("opt-in-lookups");
        try {
            specialist.updateAll(contacts.subList(0, 125), Map.of("HasOptedOutOfEmail", false), null);
            specialist.updateAll(contacts.subList(125, 250), Map.of("HasOptedOutOfEmail", false), null);
            await().atMost(PATIENCE).until(() -> contacts.stream().allMatch(c -> isReady(c, Direction.OPT_IN)));
            assertThat(queue.countPending()).isEqualTo(250);
            marketingCloud.resetCounters();
        } finally {
            camel.getRouteController().startRoute("opt-in-lookups");
        }

        await().atMost(PATIENCE).until(() -> queue.countPending() == 0);

        assertThat(marketingCloud.retrieveCalls()).isBetween(1, 3);
        assertThat(contacts).allSatisfy(c -> assertThat(requests.forContact(c)).singleElement()
                .satisfies(r -> assertThat(r.colour()).isEqualTo(ShirtColour.GRAY)));
    }

    @Test
    void aSoapFaultAndAnExpiredTokenAreRetriedAndRecovered() {
        String faulted = optedOutContact();
        String expired = optedOutContact();
        marketingCloud.seed(BOULDER_MID, faulted, "f@example.edu", "Bounced");
        marketingCloud.seed(BOULDER_MID, expired, "e@example.edu", "Held");

        marketingCloud.failNextRequests(2);
        ContactChange first = optIn(List.of(faulted)).get(0);
        int tokensBefore = marketingCloud.tokenRequests();
        marketingCloud.expireAllTokens();
        optIn(List.of(expired));

        assertThat(requests.forContact(faulted)).extracting(ResubscribeRequest::colour).containsExactly(ShirtColour.YELLOW);
        assertThat(requests.forContact(expired)).extracting(ResubscribeRequest::colour).containsExactly(ShirtColour.GRAY);
        assertThat(attempts(first)).isGreaterThan(1);
        assertThat(marketingCloud.tokenRequests()).as("a new token once the expired one was refused")
                .isGreaterThan(tokensBefore);
    }

    @Test
    void marketingCloudDownForAWhileLeavesOptInsWaitingWhileTheNightlyBatchCarriesThem() throws IOException {
        String contact = optedOutContact();
        marketingCloud.seed(BOULDER_MID, contact, "c@example.edu", "Unsubscribed");
        marketingCloud.setAvailable(false);
        try {
            specialist.update(contact, Map.of("HasOptedOutOfEmail", false, "Pref_Giving__c", true));

            ContactChange optIn = awaitReady(contact, Direction.OPT_IN);
            await().atMost(PATIENCE).until(() -> attempts(optIn) >= 3);
            assertThat(requests.forContact(contact)).isEmpty();
            assertThat(jdbc.queryForObject("select state from optin_lookup where change_id = ?", String.class,
                    optIn.id())).isEqualTo("PENDING");

            // The nightly batch does not wait for Marketing Cloud: it carries the opt-in regardless.
            camel.createProducerTemplate().sendBody("direct:ascend-deliver-now", null);
            assertThat(ledger.find(optIn.id()).orElseThrow().state()).isEqualTo(ChangeState.DELIVERED);
            assertThat(ascendRows()).anySatisfy(row -> assertThat(row).startsWith(contact + ",").contains(",FALSE,"));
        } finally {
            marketingCloud.setAvailable(true);
        }

        await().atMost(PATIENCE).until(() -> requests.forContact(contact).size() == 1);
        assertThat(warnings.forContact(contact)).isEmpty();
    }

    private String newContact(Map<String, Object> more) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> fields = new HashMap<>(Map.of("FirstName", "Test", "LastName", "Contact " + suffix,
                "Email", "test." + suffix + "@example.edu", "HasOptedOutOfEmail", false));
        fields.putAll(more);
        return specialist.create(fields);
    }

    private String optedOutContact() {
        String contact = newContact(Map.of());
        specialist.setOptOut(contact, true);
        awaitReady(contact, Direction.OPT_OUT);
        return contact;
    }

    /** Opts the contacts in (categories re-ticked) and waits until each look-up is done. */
    private List<ContactChange> optIn(List<String> contacts) {
        contacts.forEach(c -> specialist.update(c, Map.of("HasOptedOutOfEmail", false, "Pref_Events__c", true)));
        List<ContactChange> changes = contacts.stream().map(c -> awaitReady(c, Direction.OPT_IN)).toList();
        await().atMost(PATIENCE).until(() -> changes.stream().allMatch(c ->
                "DONE".equals(jdbc.queryForObject("select state from optin_lookup where change_id = ?", String.class,
                        c.id()))));
        return changes;
    }

    /** Every data row of every Ascend file delivered so far. */
    private static List<String> ascendRows() throws IOException {
        try (var files = Files.list(OUTBOX.resolve("ascend"))) {
            List<String> rows = new java.util.ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".csv")).toList()) {
                List<String> lines = Files.readAllLines(file);
                rows.addAll(lines.subList(1, lines.size()));
            }
            return rows;
        }
    }

    private int attempts(ContactChange change) {
        return jdbc.queryForObject("select attempts from optin_lookup where change_id = ?", Integer.class, change.id());
    }

    private boolean isReady(String contact, Direction direction) {
        return ledger.forContact(contact).stream().anyMatch(c -> c.direction() == direction && c.state() == ChangeState.READY);
    }

    private ContactChange awaitReady(String contact, Direction direction) {
        await().atMost(PATIENCE).until(() -> isReady(contact, direction));
        return ledger.forContact(contact).stream().filter(c -> c.direction() == direction).reduce((a, b) -> b)
                .orElseThrow();
    }

    private List<org.assertj.core.groups.Tuple> storedStatuses(ContactChange change) {
        return statuses.forChange(change.id()).stream()
                .map((StoredStatus s) -> tuple(s.unitName(), s.status(), s.colour())).toList();
    }

    private static List<Path> ticketFiles() throws IOException {
        try (Stream<Path> files = Files.list(OUTBOX.resolve("tickets"))) {
            return files.sorted().toList();
        }
    }

    private static List<Path> sheets() throws IOException {
        try (Stream<Path> files = Files.list(OUTBOX.resolve("resubscribe"))) {
            return files.sorted().toList();
        }
    }
}
