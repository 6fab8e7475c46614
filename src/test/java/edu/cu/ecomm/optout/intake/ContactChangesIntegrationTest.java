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
import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import edu.cu.ecomm.optout.ledger.Direction;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import edu.cu.ecomm.optout.support.ServiceIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Intake end to end: contacts changed through the emulated org's REST API become Change Data Capture events
 * on the Pub/Sub API, which the real camel-salesforce consumer and the routes in {@code routes/} record.
 */
class ContactChangesIntegrationTest extends ServiceIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Autowired
    SalesforceEmulator salesforce;
    @Autowired
    ChangeLedger ledger;
    @Autowired
    DeadLetters deadLetters;

    private SalesforceRestClient specialist;

    @BeforeEach
    void subscribed() {
        specialist = specialistOnceSubscribed();
    }

    @Test
    void singleOptOutIsRecordedAndMadeReady() {
        String contact = newContact(false);
        specialist.setOptOut(contact, true);

        ContactChange change = awaitChanges(contact, 1).get(0);
        assertThat(change.direction()).isEqualTo(Direction.OPT_OUT);
        assertThat(change.optedOut()).isTrue();
        assertThat(change.changeType()).isEqualTo("UPDATE");
        assertThat(change.source()).isEqualTo(ChangeSource.CDC);
        assertThat(change.changeOrigin()).startsWith("com/salesforce/api/rest/");
        await().atMost(PATIENCE).until(() -> ledger.find(change.id()).orElseThrow().state() == ChangeState.READY);
    }

    @Test
    void singleOptInIsRecordedAndMadeReady() {
        String contact = newContact(false);
        specialist.setOptOut(contact, true);
        awaitChanges(contact, 1);
        specialist.setOptOut(contact, false);

        ContactChange optIn = awaitChanges(contact, 2).get(1);
        assertThat(optIn.direction()).isEqualTo(Direction.OPT_IN);
        assertThat(optIn.optedOut()).isFalse();
        await().atMost(PATIENCE).until(() -> ledger.find(optIn.id()).orElseThrow().state() == ChangeState.READY);
    }

    @Test
    void compositeUpdateOfFiftyContactsRecordsFiftyChanges() {
        List<String> contacts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            contacts.add(newContact(false));
        }
        long eventsBefore = salesforce.pubSub().publishedCount();

        specialist.updateAll(contacts, Map.of("HasOptedOutOfEmail", true), null);

        await().atMost(PATIENCE).until(() -> contacts.stream().allMatch(id -> ledger.forContact(id).size() == 1));
        assertThat(salesforce.pubSub().publishedCount() - eventsBefore).as("one event for the transaction").isEqualTo(1);
        List<ContactChange> changes = contacts.stream().map(id -> ledger.forContact(id).get(0)).toList();
        assertThat(changes).allSatisfy(change -> assertThat(change.direction()).isEqualTo(Direction.OPT_OUT));
        assertThat(changes).extracting(ContactChange::transactionKey).containsOnly(changes.get(0).transactionKey());
    }

    @Test
    void anOptOutByAClientWithAVeryLongNameIsRecordedWithTheFirst255CharactersOfItsOrigin() {
        String contact = newContact(false);
        // The client id of Sforce-Call-Options is the caller's free text, and ends up in the event's changeOrigin.
        specialist.updateAll(List.of(contact), Map.of("HasOptedOutOfEmail", true),
                "CampusIntegration-" + "x".repeat(300));

        ContactChange change = awaitChanges(contact, 1).get(0);
        assertThat(change.changeOrigin()).hasSize(255).startsWith("com/salesforce/api/rest/")
                .contains(";client=CampusIntegration-xxx");
        assertThat(deadLetters.open()).noneMatch(letter -> letter.payload() != null
                && letter.payload().contains(contact));
    }

    @Test
    void changeOfAnotherFieldIsIgnored() {
        String retitled = newContact(false);
        String marker = newContact(false);
        specialist.update(retitled, Map.of("Title", "Associate Dean"));
        specialist.setOptOut(marker, true);

        // Events arrive in commit order: once the later opt-out is in, the title change has been seen.
        awaitChanges(marker, 1);
        assertThat(ledger.forContact(retitled)).isEmpty();
    }

    @Test
    void createOfAnOptedOutContactRecordsAnOptOut() {
        String contact = newContact(true);

        ContactChange change = awaitChanges(contact, 1).get(0);
        assertThat(change.changeType()).isEqualTo("CREATE");
        assertThat(change.direction()).isEqualTo(Direction.OPT_OUT);
    }

    @Test
    void createOfAContactWhoIsNotOptedOutRecordsNothing() {
        String quiet = newContact(false);
        String marker = newContact(true);

        awaitChanges(marker, 1);
        assertThat(ledger.forContact(quiet)).isEmpty();
    }

    @Test
    void recordIdThatIsNotAContactGoesToTheDeadLettersAndTheRestAreRecorded() {
        String contact = newContact(false);
        String accountId = "001A0000006Vm9rIAC";
        salesforce.pubSub().inject(optOutCommit(List.of(contact, accountId)));

        awaitChanges(contact, 1);
        DeadLetter letter = awaitDeadLetter(accountId);
        assertThat(letter.reason()).contains("key prefix 001");
        assertThat(letter.payload()).contains(accountId);
        assertThat(letter.replayId()).isNotBlank();
    }

    @Test
    void payloadTheServiceCannotReadGoesToTheDeadLettersAndIntakeGoesOn() {
        String unreadable = newContact(false);
        salesforce.pubSub().injectRaw(HandMadeChangeEvents.withBitmap(salesforce, unreadable, "0xnothex"));
        String next = newContact(false);
        specialist.setOptOut(next, true);

        awaitChanges(next, 1);
        DeadLetter letter = awaitDeadLetter(null, "undecodable event");
        assertThat(letter.reason()).contains("not hexadecimal");
        assertThat(letter.payload()).contains(unreadable).contains("0xnothex");
        assertThat(ledger.forContact(unreadable)).isEmpty();
    }

    @Test
    void payloadCamelSalesforceCannotDecodeIsReportedAndIntakeGoesOn() {
        salesforce.pubSub().injectRaw(new byte[] {(byte) 0xff, 0x01, 0x02});
        String next = newContact(false);
        specialist.setOptOut(next, true);

        awaitChanges(next, 1);
        assertThat(awaitDeadLetter(null, "skipped by camel-salesforce").reason()).contains("run a catch-up");
    }

    private String newContact(boolean optedOut) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        return specialist.create(Map.of("FirstName", "Test", "LastName", "Contact " + suffix,
                "Email", "test." + suffix + "@example.edu", "HasOptedOutOfEmail", optedOut));
    }

    private List<ContactChange> awaitChanges(String contact, int count) {
        await().atMost(PATIENCE).until(() -> ledger.forContact(contact).size() >= count);
        return ledger.forContact(contact);
    }

    private DeadLetter awaitDeadLetter(String contactId) {
        return awaitDeadLetter(contactId, "");
    }

    private DeadLetter awaitDeadLetter(String contactId, String reason) {
        return await().atMost(PATIENCE).until(() -> deadLetters.open().stream()
                        .filter(d -> contactId == null || contactId.equals(d.contactId()))
                        .filter(d -> d.reason().contains(reason)).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
    }

    private static ContactChangeCommit optOutCommit(List<String> recordIds) {
        return new ContactChangeCommit("UPDATE", recordIds, Map.of("HasOptedOutOfEmail", true),
                Set.of("HasOptedOutOfEmail"), Set.of(), "com/salesforce/api/rest/64.0", UUID.randomUUID().toString(),
                1, Instant.now(), System.nanoTime(), "005A0000001abcdEAA");
    }

}
