package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import edu.cu.ecomm.optout.emulator.salesforce.PubSubEmulator;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import edu.cu.ecomm.optout.ledger.LedgerWrites;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import edu.cu.ecomm.optout.support.ServiceIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * Group commit at intake: consecutive events recorded in one transaction, the checkpoint at the last of them; an
 * unreadable event keeps its place in the group; a group that cannot be recorded whole is recorded one by one; a
 * ledger that cannot keep up holds Salesforce's stream back instead of filling memory.
 * Groups of three here (a long wait for the third), and one quick retry, so that each test forms one group.
 */
@TestPropertySource(properties = {
        "optout.intake.commit-size=3",
        "optout.intake.commit-delay=5000",
        "optout.intake.retries=1",
        "optout.intake.retry-delay=10"})
class GroupCommitIntegrationTest extends ServiceIntegrationTest {

    // Generous: after the stall intake restarts from its checkpoint and records the whole backlog, slow on a busy CI.
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Autowired
    SalesforceEmulator salesforce;
    @Autowired
    ChangeLedger ledger;
    @Autowired
    DeadLetters deadLetters;
    @Autowired
    ReplayCheckpoints checkpoints;
    @Autowired
    MeterRegistry meters;
    @Autowired
    LedgerWrites writes;
    @Autowired
    JdbcTemplate jdbc;
    @Value("${optout.intake.topic}")
    String topic;
    @Value("${optout.intake.batch-size}")
    int fetchSize;
    @Value("${optout.intake.commit-size}")
    int commitSize;

    private SalesforceRestClient specialist;

    @BeforeEach
    void subscribed() {
        specialist = specialistOnceSubscribed();
    }

    @Test
    void threeEventsAreRecordedInOneTransactionWithTheCheckpointAtTheLast() {
        List<String> contacts = newContactsAllEventsRecorded(3);
        double groups = groupsCommitted();

        contacts.forEach(contact -> salesforce.pubSub().inject(HandMadeChangeEvents.optOutBy(contact, "005A0000001abcdEAA")));
        String last = salesforce.pubSub().latestReplayId();

        awaitCheckpointAt(last);
        contacts.forEach(contact -> assertThat(ledger.forContact(contact)).as("changes of %s", contact).hasSize(1));
        assertThat(groupsCommitted() - groups).as("transactions").isEqualTo(1);
    }

    @Test
    void anUnreadableEventInTheMiddleOfAGroupIsDeadLetteredInItsPlaceAndTheOthersRecorded() {
        List<String> contacts = newContactsAllEventsRecorded(3);
        double groups = groupsCommitted();

        salesforce.pubSub().inject(HandMadeChangeEvents.optOutBy(contacts.get(0), "005A0000001abcdEAA"));
        salesforce.pubSub().injectRaw(HandMadeChangeEvents.withBitmap(salesforce, contacts.get(1), "0xnothex"));
        String unreadable = salesforce.pubSub().latestReplayId();
        salesforce.pubSub().inject(HandMadeChangeEvents.optOutBy(contacts.get(2), "005A0000001abcdEAA"));
        String last = salesforce.pubSub().latestReplayId();

        awaitCheckpointAt(last);
        assertThat(ledger.forContact(contacts.get(0))).hasSize(1);
        assertThat(ledger.forContact(contacts.get(1))).isEmpty();
        assertThat(ledger.forContact(contacts.get(2))).hasSize(1);
        DeadLetter letter = letterFor(unreadable);
        assertThat(letter.reason()).startsWith("undecodable event: ").contains("not hexadecimal");
        assertThat(letter.payload()).contains(contacts.get(1));
        assertThat(groupsCommitted() - groups).as("transactions: the letter is in the group's").isEqualTo(1);
    }

    @Test
    void aGroupThatCannotBeRecordedIsRecordedOneByOneAndOnlyItsBadEventIsDeadLettered() {
        List<String> contacts = newContactsAllEventsRecorded(3);
        double groups = groupsCommitted();

        salesforce.pubSub().inject(HandMadeChangeEvents.optOutBy(contacts.get(0), "005A0000001abcdEAA"));
        // The ledger refuses this event: its commit user is longer than a Salesforce id (column commit_user).
        salesforce.pubSub().inject(HandMadeChangeEvents.optOutBy(contacts.get(1), "005A0000001abcdEAA-not-a-user-id-at-all"));
        String poisoned = salesforce.pubSub().latestReplayId();
        salesforce.pubSub().inject(HandMadeChangeEvents.optOutBy(contacts.get(2), "005A0000001abcdEAA"));
        String last = salesforce.pubSub().latestReplayId();

        awaitCheckpointAt(last);
        assertThat(ledger.forContact(contacts.get(0))).hasSize(1);
        assertThat(ledger.forContact(contacts.get(1))).isEmpty();
        assertThat(ledger.forContact(contacts.get(2))).hasSize(1);
        DeadLetter letter = letterFor(poisoned);
        assertThat(letter.reason()).startsWith("could not record event: ");
        assertThat(letter.payload()).contains(contacts.get(1));
        assertThat(deadLetters.open()).filteredOn(d -> !Objects.equals(d.replayId(), poisoned))
                .as("letters for the other events").noneMatch(d -> contacts.contains(d.contactId())
                        || d.payload() != null && (d.payload().contains(contacts.get(0))
                        || d.payload().contains(contacts.get(2))));
        assertThat(groupsCommitted() - groups).as("groups committed whole").isZero();
    }

    @Test
    void aStalledLedgerHoldsTheStreamAtOneFetchOfEventsAndTheBacklogIsRecordedInOrderOnceItMoves() throws Exception {
        List<String> contacts = newContactsAllEventsRecorded(3);
        long deliveredBefore = salesforce.pubSub().deliveredCount();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // Another writer holds the ledger's write lock (as a long catch-up would): intake can commit nothing.
        CompletableFuture<Void> stall = CompletableFuture.runAsync(() -> writes.inTransaction(() -> {
            holding.countDown();
            awaitQuietly(release);
            return null;
        }));
        try {
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 1_000; i++) {
                salesforce.pubSub().inject(HandMadeChangeEvents.optOutBy(contacts.get(i % 3), "005A0000001abcdEAA"));
            }

            // Salesforce sends only what camel-salesforce asked for (one fetch), and it asks again only once the
            // route has taken those events: the backlog waits in Salesforce, not in this service's memory.
            await().atMost(PATIENCE).until(() -> salesforce.pubSub().deliveredCount() - deliveredBefore >= fetchSize);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(
                    () -> salesforce.pubSub().deliveredCount() - deliveredBefore <= fetchSize + commitSize);
        } finally {
            release.countDown();
            stall.get(10, TimeUnit.SECONDS);
        }

        awaitCheckpointAt(salesforce.pubSub().latestReplayId());
        List<Long> recordedOrder = jdbc.queryForList("select replay_id from contact_change where contact_id in (?, ?, ?)"
                + " and change_type = 'UPDATE' order by id", String.class, contacts.toArray())
                .stream().map(PubSubEmulator::sequenceOf).toList();
        assertThat(recordedOrder).hasSize(1_000).isSorted().doesNotHaveDuplicates();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Contacts created over REST, once intake has recorded their CREATE events: the next group is the test's. */
    private List<String> newContactsAllEventsRecorded(int count) {
        List<String> contacts = java.util.stream.IntStream.range(0, count).mapToObj(i -> {
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            return specialist.create(Map.of("FirstName", "Test", "LastName", "Contact " + suffix,
                    "Email", "test." + suffix + "@example.edu", "HasOptedOutOfEmail", false));
        }).toList();
        awaitCheckpointAt(salesforce.pubSub().latestReplayId());
        return contacts;
    }

    private void awaitCheckpointAt(String replayId) {
        await().atMost(PATIENCE).until(() -> checkpoints.find(topic)
                .map(c -> c.replayId().equals(replayId)).orElse(false));
    }

    private DeadLetter letterFor(String replayId) {
        List<DeadLetter> letters = deadLetters.open().stream().filter(d -> replayId.equals(d.replayId())).toList();
        assertThat(letters).as("dead letters of event %s", replayId).hasSize(1);
        return letters.get(0);
    }

    private double groupsCommitted() {
        return meters.counter("optout.intake.groups.committed").count();
    }
}
