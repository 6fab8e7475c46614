package edu.cu.ecomm.optout.optin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.ledger.Direction;
import edu.cu.ecomm.optout.optout.PreferenceWarnings;
import edu.cu.ecomm.optout.optout.PreferenceWarnings.PreferenceWarning;
import edu.cu.ecomm.optout.optout.WarningKind;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import edu.cu.ecomm.optout.support.ServiceIntegrationTest;

/**
 * The opt-out and opt-in flows in the whole service: contacts changed through the Salesforce emulator's REST
 * API reach the routes over Pub/Sub, and the routes read the contacts back over REST (camel-salesforce
 * {@code getSObject} and {@code query}). Marketing Cloud is the in-memory fake until its emulator and SOAP
 * client are on main; then this test should use them instead.
 */
@Import(OptInOptOutIntegrationTest.MarketingCloudFake.class)
class OptInOptOutIntegrationTest extends ServiceIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Path OUTBOX = Path.of("target", "test-outbox", UUID.randomUUID().toString());

    @TestConfiguration(proxyBeanMethods = false)
    static class MarketingCloudFake {
        @Bean
        @Primary
        InMemorySubscriberLookup inMemorySubscriberLookup() {
            return new InMemorySubscriberLookup();
        }
    }

    @DynamicPropertySource
    static void flows(DynamicPropertyRegistry registry) {
        registry.add("optout.marketing-cloud.business-units[0].mid", () -> "100");
        registry.add("optout.marketing-cloud.business-units[0].name", () -> "CU System");
        registry.add("optout.marketing-cloud.business-units[1].mid", () -> "200");
        registry.add("optout.marketing-cloud.business-units[1].name", () -> "CU Boulder");
        registry.add("optout.marketing-cloud.business-units[2].mid", () -> "300");
        registry.add("optout.marketing-cloud.business-units[2].name", () -> "CU Denver");
        registry.add("optout.optin.poll-interval", () -> "200");
        registry.add("optout.optin.retry-first", () -> "PT0.3S");
        registry.add("optout.optin.retry-max", () -> "PT1S");
        registry.add("optout.tickets.endpoint", () -> "file:" + OUTBOX.resolve("tickets"));
        registry.add("optout.resubscribe.endpoint", () -> "file:" + OUTBOX.resolve("resubscribe"));
    }

    @Autowired
    SalesforceEmulator salesforce;
    @Autowired
    InMemorySubscriberLookup marketingCloud;
    @Autowired
    ChangeLedger ledger;
    @Autowired
    ResubscribeRequests requests;
    @Autowired
    PreferenceWarnings warnings;
    @Autowired
    SubscriberStatuses statuses;
    @Autowired
    ResubscribeAdmin admin;

    private SalesforceRestClient specialist;

    @BeforeEach
    void subscribed() {
        specialist = new SalesforceRestClient(salesforce.loginUrl());
        await().atMost(PATIENCE).until(() -> salesforce.pubSub().activeSubscriptions() == 1);
    }

    @Test
    void preferencesStillTickedAfterAnOptOutAreListed() {
        String contact = newContact(Map.of("Pref_Events__c", true, "Pref_Giving__c", true));

        specialist.setOptOut(contact, true);

        ContactChange change = awaitReady(contact, Direction.OPT_OUT);
        assertThat(warningsOf(contact)).singleElement().satisfies(w -> {
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
        assertThat(warningsOf(contact)).isEmpty();
    }

    @Test
    void anUrgentOptInRedInAChildUnitGetsOneRequestOneTicketAndIsOnTheSheet() throws IOException {
        String contact = optedOutContact();
        marketingCloud.subscriber(contact, 100, "Active").subscriber(contact, 200, "Unsubscribed");

        specialist.update(contact, Map.of("HasOptedOutOfEmail", false, "Urgent_Resubscribe__c", true));

        ContactChange optIn = awaitReady(contact, Direction.OPT_IN);
        await().atMost(PATIENCE).until(() -> statuses.forChange(optIn.id()).size() == 3);
        assertThat(requests.forContact(contact)).singleElement().satisfies(r -> {
            assertThat(r.unitName()).isEqualTo("CU Boulder");
            assertThat(r.colour()).isEqualTo(ShirtColour.RED);
            assertThat(r.urgent()).isTrue();
            assertThat(r.contactEmail()).endsWith("@example.edu");
        });
        long requestId = requests.forContact(contact).get(0).id();
        await().atMost(PATIENCE).until(() -> Files.exists(OUTBOX.resolve("tickets/resubscribe-RSR-" + requestId + ".json")));
        assertThat(Files.readString(OUTBOX.resolve("tickets/resubscribe-RSR-" + requestId + ".json")))
                .contains(contact).contains("Marketing Cloud > Resubscribe Contact").contains("CU Boulder");
        assertThat(warningsOf(contact)).extracting(PreferenceWarning::kind)
                .containsExactly(WarningKind.NO_CATEGORY_RECHECKED);

        admin.exportNow();

        assertThat(sheets()).last().satisfies(sheet -> assertThat(Files.readString(sheet))
                .contains("RESUBSCRIBE," + contact + ",").contains(",CU Boulder,200,Unsubscribed,RED,")
                .contains(",yes,RSR-" + requestId + ",").contains("NO_CATEGORY_RECHECKED," + contact + ","));
    }

    @Test
    void marketingCloudDownLeavesTheOptInReadyAndItsLookUpWaitingUntilItIsBack() {
        String contact = optedOutContact();
        marketingCloud.subscriber(contact, 300, "Held").failNext(3);

        specialist.update(contact, Map.of("HasOptedOutOfEmail", false, "Pref_Alumni_News__c", true));

        awaitReady(contact, Direction.OPT_IN);
        await().atMost(PATIENCE).until(() -> requests.forContact(contact).size() == 1);
        assertThat(requests.forContact(contact).get(0).unitName()).isEqualTo("CU Denver");
        assertThat(marketingCloud.calls().stream().filter(keys -> keys.contains(contact)).count())
                .isGreaterThanOrEqualTo(2);
        assertThat(warningsOf(contact)).isEmpty();
    }

    private String newContact(Map<String, Object> more) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> fields = new java.util.HashMap<>(Map.of("FirstName", "Test", "LastName", "Contact " + suffix,
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

    private ContactChange awaitReady(String contact, Direction direction) {
        await().atMost(PATIENCE).until(() -> ledger.forContact(contact).stream()
                .anyMatch(c -> c.direction() == direction && c.state() == ChangeState.READY));
        return ledger.forContact(contact).stream().filter(c -> c.direction() == direction).reduce((a, b) -> b)
                .orElseThrow();
    }

    private List<PreferenceWarning> warningsOf(String contact) {
        return warnings.forContact(contact);
    }

    private static List<Path> sheets() throws IOException {
        try (Stream<Path> files = Files.list(OUTBOX.resolve("resubscribe"))) {
            return files.sorted().toList();
        }
    }
}
