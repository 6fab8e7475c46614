package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import edu.cu.ecomm.optout.emulator.salesforce.ContactChangeCommit;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.ledger.DeadLetterService;
import edu.cu.ecomm.optout.ledger.DeadLetterService.Outcome;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import edu.cu.ecomm.optout.ledger.DeadLetters.State;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import edu.cu.ecomm.optout.support.ServiceIntegrationTest;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * Changes whose events do not carry them — gap events, overflow events, events nobody can decode — still reach
 * the ledger: the service re-reads the contacts or catches up over REST, and an operator can replay or discard
 * what went to the dead letters.
 */
@TestPropertySource(properties = {
        "optout.gap-requery.poll-interval=200",
        "optout.catch-up.poll-interval=200",
        "optout.initial-snapshot.poll-interval=PT0.2S",
        "optout.catch-up.settle=PT1S"})
class NeverLoseAChangeIntegrationTest extends ServiceIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Autowired
    SalesforceEmulator salesforce;
    @Autowired
    ChangeLedger ledger;
    @Autowired
    DeadLetterService deadLetters;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ProducerTemplate camel;

    private SalesforceRestClient specialist;

    @BeforeEach
    void subscribed() {
        specialist = specialistOnceSubscribed();
    }

    @Test
    void gapUpdateOfThreeContactsRecordsTheirCurrentValues() {
        List<String> contacts = newContacts(3);
        String retitled = newContacts(1).get(0);

        salesforce.pubSub().publishNextAsGapEvents(2);
        specialist.updateAll(contacts, Map.of("HasOptedOutOfEmail", true), null);
        specialist.update(retitled, Map.of("Title", "Registrar"));

        await().atMost(PATIENCE).until(() -> contacts.stream().allMatch(id -> ledger.forContact(id).size() == 1));
        for (String id : contacts) {
            ContactChange change = ledger.forContact(id).get(0);
            assertThat(change.optedOut()).isTrue();
            assertThat(change.source()).isEqualTo(ChangeSource.GAP_REQUERY);
            assertThat(change.changeType()).isEqualTo("GAP_UPDATE");
        }
        await().atMost(PATIENCE).until(() -> jdbc.queryForObject("select count(*) from gap_requery", Long.class) == 0);
        assertThat(ledger.forContact(retitled)).as("re-read, value unchanged").isEmpty();
        assertThat(deadLetters.open()).noneMatch(letter -> letter.reason().contains("GAP_"));
    }

    @Test
    void overflowEventRecordsEveryChangedContactThroughACatchUp() {
        List<String> contacts = newContacts(50);

        salesforce.pubSub().publishNextAsOverflow();
        specialist.updateAll(contacts, Map.of("HasOptedOutOfEmail", true), null);

        await().atMost(PATIENCE).until(() -> contacts.stream().allMatch(id -> ledger.forContact(id).size() == 1));
        assertThat(contacts).allSatisfy(id -> {
            ContactChange change = ledger.forContact(id).get(0);
            assertThat(change.source()).isEqualTo(ChangeSource.CATCHUP);
            assertThat(change.optedOut()).isTrue();
        });
        await().atMost(PATIENCE).until(() -> jdbc.queryForObject(
                "select count(*) from catch_up_request where reason like 'GAP_OVERFLOW%' and state = 'DONE'", Long.class) == 1);
    }

    @Test
    void operatorCatchUpFromATimeRecordsWhatEventsLost() {
        List<String> contacts = newContacts(2);
        Instant before = Instant.now().minusSeconds(1);
        salesforce.pubSub().publishNextGarbled(2);
        contacts.forEach(id -> specialist.setOptOut(id, true));

        CatchUps.Report report = camel.requestBodyAndHeader("direct:catch-up", before.toString(), "reason",
                "test: events lost", CatchUps.Report.class);

        assertThat(report.recorded()).isEqualTo(2);
        assertThat(contacts).allSatisfy(id -> assertThat(ledger.forContact(id)).singleElement()
                .satisfies(change -> assertThat(change.source()).isEqualTo(ChangeSource.CATCHUP)));
        CatchUps.Report again = camel.requestBody("direct:catch-up", before.toString(), CatchUps.Report.class);
        assertThat(again.recorded()).as("a second catch-up over the same time").isZero();
    }

    @Test
    void skippedEventLetterIsReplayedAsACatchUpFromItsTime() {
        String contact = newContacts(1).get(0);
        salesforce.pubSub().publishNextGarbled(1);
        specialist.setOptOut(contact, true);
        DeadLetter letter = awaitOpenLetter("skipped by camel-salesforce");
        assertThat(letter.catchUpFrom()).isNotNull();
        assertThat(ledger.forContact(contact)).isEmpty();

        Outcome outcome = deadLetters.replay(letter.id());

        assertThat(outcome.resolved()).isTrue();
        assertThat(outcome.message()).startsWith("caught up from");
        assertThat(ledger.forContact(contact)).singleElement()
                .satisfies(change -> assertThat(change.optedOut()).isTrue());
        DeadLetter replayed = deadLetters.find(letter.id()).orElseThrow();
        assertThat(replayed.state()).isEqualTo(State.REPLAYED.name());
        assertThat(replayed.resolvedAt()).isNotNull();
        assertThat(replayed.resolution()).isEqualTo(outcome.message());
    }

    @Test
    void undecodableEventLetterIsReplayedByReReadingItsContacts() {
        String contact = newContacts(1).get(0);
        salesforce.pubSub().injectRaw(HandMadeChangeEvents.withBitmap(salesforce, contact, "0xnothex"));
        DeadLetter letter = awaitOpenLetter("undecodable event");
        salesforce.pubSub().publishNextGarbled(1);
        specialist.setOptOut(contact, true);

        Outcome outcome = deadLetters.replay(letter.id());

        assertThat(outcome.resolved()).isTrue();
        assertThat(outcome.message()).isEqualTo("re-read 1 contact(s) from Salesforce; 1 change(s) recorded");
        assertThat(ledger.forContact(contact)).singleElement().satisfies(change -> {
            assertThat(change.optedOut()).isTrue();
            assertThat(change.changeType()).isEqualTo("REPLAY");
        });
        assertThat(deadLetters.replay(letter.id()).resolved()).as("a second replay").isFalse();
    }

    @Test
    void letterForARecordThatIsNotAContactCannotBeReplayedAndIsDiscardedWithANote() {
        String accountId = "001A0000006Vm9rIAC";
        salesforce.pubSub().inject(new ContactChangeCommit("UPDATE", List.of(accountId),
                Map.of("HasOptedOutOfEmail", true), Set.of("HasOptedOutOfEmail"), Set.of(),
                "com/salesforce/api/rest/64.0", UUID.randomUUID().toString(), 1, Instant.now(), 1L,
                "005A0000001abcdEAA"));
        DeadLetter letter = await().atMost(PATIENCE).until(() -> deadLetters.open().stream()
                .filter(d -> accountId.equals(d.contactId())).findFirst(), java.util.Optional::isPresent).orElseThrow();

        Outcome replay = deadLetters.replay(letter.id());
        assertThat(replay.resolved()).isFalse();
        assertThat(replay.message()).contains("not a Contact's");
        assertThat(deadLetters.find(letter.id()).orElseThrow().state()).isEqualTo(State.OPEN.name());

        Outcome discard = deadLetters.discard(letter.id(), "an Account id from a misconfigured trigger");
        assertThat(discard.resolved()).isTrue();
        DeadLetter discarded = deadLetters.find(letter.id()).orElseThrow();
        assertThat(discarded.state()).isEqualTo(State.DISCARDED.name());
        assertThat(discarded.resolution()).isEqualTo("discarded: an Account id from a misconfigured trigger");
        assertThat(deadLetters.list(State.DISCARDED)).extracting(DeadLetter::id).contains(letter.id());
    }

    private DeadLetter awaitOpenLetter(String reason) {
        return await().atMost(PATIENCE).until(() -> deadLetters.open().stream()
                .filter(d -> d.reason().contains(reason)).reduce((a, b) -> b), java.util.Optional::isPresent).orElseThrow();
    }

    private List<String> newContacts(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            ids.add(salesforce.http().createContact(Map.of("FirstName", "Gap", "LastName", "Test " + suffix,
                    "Email", "gap." + suffix + "@example.edu", "HasOptedOutOfEmail", false)));
        }
        return ids;
    }
}
