package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.DeadLetterService;
import edu.cu.ecomm.optout.ledger.DeadLetterService.Outcome;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import edu.cu.ecomm.optout.support.ServiceIntegrationTest;
import edu.cu.ecomm.optout.support.TestDatabases;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Which failures to record an event intake retries. Retrying holds Salesforce's stream still, so only a failure
 * that may pass is retried (a lock held too long, the database away); an event whose data the database refuses is
 * refused again on every retry and goes to the dead letters at once. A long retry delay here makes any retry show.
 * Groups of three (a long wait for the third), as in {@link GroupCommitIntegrationTest}.
 */
@TestPropertySource(properties = {
        "optout.intake.commit-size=3",
        "optout.intake.commit-delay=5000",
        "optout.intake.retries=2",
        "optout.intake.retry-delay=" + IntakeRetriesIntegrationTest.RETRY_DELAY_MS})
// The WARN line of each attempt that is to be retried (retryAttemptedLogLevel) shows a retry coming.
@ExtendWith(OutputCaptureExtension.class)
class IntakeRetriesIntegrationTest extends ServiceIntegrationTest {

    static final long RETRY_DELAY_MS = 12_000;
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Autowired
    SalesforceEmulator salesforce;
    @Autowired
    ChangeLedger ledger;
    @Autowired
    DeadLetterService deadLetters;
    @Autowired
    ReplayCheckpoints checkpoints;
    @Autowired
    MeterRegistry meters;
    @Autowired
    DataSource dataSource;
    @Value("${optout.intake.topic}")
    String topic;

    private SalesforceRestClient specialist;

    /** A writer that waits half a second for the ledger's lock gives up with a lock timeout, on either database. */
    @DynamicPropertySource
    static void shortLockTimeout(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.hikari.connection-init-sql", () -> TestDatabases.onPostgres()
                ? "set lock_timeout = '500ms'" : "SET LOCK_TIMEOUT 500");
    }

    @BeforeEach
    void subscribed() {
        specialist = specialistOnceSubscribed();
    }

    @Test
    void anEventWhoseDataTheDatabaseRefusesIsDeadLetteredWithoutRetriesAndTheNextEventsAreRecorded(CapturedOutput log) {
        List<String> contacts = newContactsAllEventsRecorded(3);
        int retriedBefore = failedAttempts(log.getOut(), "DataIntegrityViolationException");

        salesforce.pubSub().inject(HandMadeChangeEvents.optOutBy(contacts.get(0), "005A0000001abcdEAA"));
        // The ledger refuses this event on every attempt: its commit user is longer than a Salesforce id (column
        // commit_user), a data error (SQL state 22001).
        salesforce.pubSub().inject(HandMadeChangeEvents.optOutBy(contacts.get(1), "005A0000001abcdEAA-not-a-user-id-at-all"));
        String refused = salesforce.pubSub().latestReplayId();
        salesforce.pubSub().inject(HandMadeChangeEvents.optOutBy(contacts.get(2), "005A0000001abcdEAA"));
        String last = salesforce.pubSub().latestReplayId();

        // Well before the first retry could have run, let alone the group's and the event's retries.
        await().atMost(Duration.ofMillis(RETRY_DELAY_MS / 2)).until(() -> last.equals(checkpoint()));
        assertThat(failedAttempts(log.getOut(), "DataIntegrityViolationException") - retriedBefore)
                .as("attempts to be retried, of the group or of the event").isZero();
        assertThat(ledger.forContact(contacts.get(0))).hasSize(1);
        assertThat(ledger.forContact(contacts.get(1))).isEmpty();
        assertThat(ledger.forContact(contacts.get(2))).hasSize(1);
        List<DeadLetter> letters = deadLetters.open().stream().filter(d -> refused.equals(d.replayId())).toList();
        assertThat(letters).as("dead letters of the refused event").singleElement().satisfies(letter -> {
            assertThat(letter.reason()).startsWith("could not record event: ").contains("commit_user");
            assertThat(letter.payload()).contains(contacts.get(1), "005A0000001abcdEAA-not-a-user-id-at-all");
        });

        // Replayed as intake letters are, by re-reading its contact from Salesforce. Here the contact is opted out
        // there by a change whose own event is lost (garbled), so only the replay can record it.
        salesforce.pubSub().publishNextGarbled(1);
        specialist.setOptOut(contacts.get(1), true);
        Outcome replay = deadLetters.replay(letters.get(0).id());
        assertThat(replay.resolved()).isTrue();
        assertThat(replay.message()).isEqualTo("re-read 1 contact(s) from Salesforce; 1 change(s) recorded");
        assertThat(ledger.forContact(contacts.get(1))).singleElement()
                .satisfies(change -> assertThat(change.optedOut()).isTrue());
    }

    @Test
    void aLedgerLockedTooLongByAnotherWriterIsRetriedAndTheGroupIsRecordedWholeWithoutADeadLetter(CapturedOutput log)
            throws SQLException {
        List<String> contacts = newContactsAllEventsRecorded(3);
        double groups = meters.counter("optout.intake.groups.committed").count();
        long lettersBefore = deadLetters.open().size();

        // Another writer (as another node of a cluster would) holds the ledger's lock row: intake's transaction
        // waits for it, gives up after the lock timeout, and is retried after the retry delay.
        try (Connection otherWriter = dataSource.getConnection()) {
            otherWriter.setAutoCommit(false);
            try (Statement lock = otherWriter.createStatement()) {
                lock.executeQuery("select name from ledger_write_lock where name = 'ledger' for update").close();
            }
            contacts.forEach(contact -> salesforce.pubSub().inject(
                    HandMadeChangeEvents.optOutBy(contact, "005A0000001abcdEAA")));
            int failedBefore = failedAttempts(log.getOut(), "ledger_write_lock");
            await().atMost(PATIENCE).until(() -> failedAttempts(log.getOut(), "ledger_write_lock") > failedBefore);
            otherWriter.rollback();
        }

        String last = salesforce.pubSub().latestReplayId();
        await().atMost(PATIENCE).until(() -> last.equals(checkpoint()));
        // Committed whole after its failed attempt: the group's retry recorded it, not the one-by-one fallback.
        assertThat(meters.counter("optout.intake.groups.committed").count() - groups).as("groups committed whole")
                .isEqualTo(1);
        contacts.forEach(contact -> assertThat(ledger.forContact(contact)).as("changes of %s", contact).hasSize(1));
        assertThat(deadLetters.open()).as("dead letters").hasSize((int) lettersBefore);
    }

    /** Failed attempts that are to be retried, as Camel's WARN line reports each, whose error mentions {@code cause}. */
    private static int failedAttempts(String log, String cause) {
        return (int) log.lines().filter(line -> line.contains("Failed delivery for")
                && line.contains("On delivery attempt: ") && line.contains(cause)).count();
    }

    /** Contacts created over REST, once intake has recorded their CREATE events: the next group is the test's. */
    private List<String> newContactsAllEventsRecorded(int count) {
        List<String> contacts = IntStream.range(0, count).mapToObj(i -> {
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            return specialist.create(Map.of("FirstName", "Test", "LastName", "Contact " + suffix,
                    "Email", "test." + suffix + "@example.edu", "HasOptedOutOfEmail", false));
        }).toList();
        String created = salesforce.pubSub().latestReplayId();
        await().atMost(PATIENCE).until(() -> created.equals(checkpoint()));
        return contacts;
    }

    private String checkpoint() {
        return checkpoints.find(topic).map(ReplayCheckpoints.Checkpoint::replayId).orElse(null);
    }
}
