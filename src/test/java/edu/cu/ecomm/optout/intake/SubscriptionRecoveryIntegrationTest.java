package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import edu.cu.ecomm.optout.support.ServiceIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The Pub/Sub stream breaks in each way Salesforce breaks it; camel-salesforce resubscribes by itself after the
 * last event it handed over, so every change made before, during and after the break is recorded exactly once.
 */
class SubscriptionRecoveryIntegrationTest extends ServiceIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Autowired
    SalesforceEmulator salesforce;
    @Autowired
    ChangeLedger ledger;

    private SalesforceRestClient specialist;

    @BeforeEach
    void subscribed() {
        specialist = specialistOnceSubscribed();
    }

    @Test
    void streamClosedBySalesforceIsReopenedAndNothingIsLostOrDoubled() {
        List<String> contacts = newContacts(10);
        optOut(contacts.subList(0, 5));

        salesforce.pubSub().closeAllStreams();
        optOut(contacts.subList(5, 10));

        assertRecordedOnceEach(contacts);
    }

    @Test
    void serverUnavailableForAWhileIsWaitedOutAndNothingIsLostOrDoubled() {
        List<String> contacts = newContacts(10);
        optOut(contacts.subList(0, 3));
        await().atMost(PATIENCE).until(() -> ledger.forContact(contacts.get(2)).size() == 1);

        salesforce.pubSub().setAvailable(false);
        optOut(contacts.subList(3, 10));
        // Refused resubscriptions come and go while it is down; nothing of the outage gets through.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> salesforce.pubSub().activeSubscriptions() == 0 && ledger.forContact(contacts.get(3)).isEmpty());
        salesforce.pubSub().setAvailable(true);

        assertRecordedOnceEach(contacts);
    }

    @Test
    void authErrorOnResubscribeLeadsToANewLoginAndNothingIsLostOrDoubled() {
        List<String> contacts = newContacts(6);
        optOut(contacts.subList(0, 3));

        int loginsBefore = salesforce.http().issuedTokens().size();

        salesforce.pubSub().failNextSubscribeWithAuthError();
        salesforce.pubSub().closeAllStreams();
        optOut(contacts.subList(3, 6));

        assertRecordedOnceEach(contacts);
        assertThat(salesforce.http().issuedTokens()).as("a new login").hasSizeGreaterThan(loginsBefore);
    }

    @Test
    void expiredTokensLeadToANewLoginAndNothingIsLostOrDoubled() {
        List<String> contacts = newContacts(6);
        optOut(contacts.subList(0, 3));
        await().atMost(PATIENCE).until(() -> ledger.forContact(contacts.get(2)).size() == 1);

        salesforce.http().expireAllTokens();
        salesforce.pubSub().closeAllStreams();
        optOut(contacts.subList(3, 6));

        assertRecordedOnceEach(contacts);
    }

    private void assertRecordedOnceEach(List<String> contacts) {
        await().atMost(PATIENCE).until(() -> contacts.stream().allMatch(id -> !ledger.forContact(id).isEmpty()));
        // A marker made after them arrives after them: anything doubled would be recorded by now.
        String marker = newContacts(1).get(0);
        specialist.setOptOut(marker, true);
        await().atMost(PATIENCE).until(() -> ledger.forContact(marker).size() == 1);
        assertThat(contacts).allSatisfy(id -> assertThat(ledger.forContact(id)).as("changes of %s", id)
                .singleElement().satisfies(change -> {
                    assertThat(change.optedOut()).isTrue();
                    assertThat(change.source()).isEqualTo(ChangeSource.CDC);
                }));
        assertThat(salesforce.pubSub().activeSubscriptions()).isEqualTo(1);
    }

    private void optOut(List<String> contacts) {
        contacts.forEach(id -> specialist.setOptOut(id, true));
    }

    private List<String> newContacts(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            ids.add(salesforce.http().createContact(Map.of("LastName", "Recovery " + suffix,
                    "Email", "recovery." + suffix + "@example.edu", "HasOptedOutOfEmail", false)));
        }
        return ids;
    }
}
