package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import edu.cu.ecomm.optout.ops.IntakeMBean;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import edu.cu.ecomm.optout.support.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * An event the database refuses, together with its dead letter, is not passed by: intake stops committing and
 * restarts from its checkpoint until the database takes the event (here, as a dead letter once the table is back);
 * the events after it are recorded once.
 */
@TestPropertySource(properties = {
        "optout.intake.commit-size=1",
        "optout.intake.retries=1",
        "optout.intake.retry-delay=10",
        "optout.intake.restart-delay=PT1S"})
class IntakeRecoveryIntegrationTest extends ServiceIntegrationTest {

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
    IntakeRecovery recovery;
    @Autowired
    IntakeMBean intakeMBean;
    @Autowired
    JdbcTemplate jdbc;
    @Value("${optout.intake.topic}")
    String topic;

    @Test
    void anEventRefusedWithItsDeadLetterIsNotPassedByAndIsDeadLetteredOnceTheDatabaseTakesIt() {
        SalesforceRestClient specialist = specialistOnceSubscribed();
        List<String> contacts = IntStream.range(0, 3).mapToObj(i -> specialist.create(Map.of("LastName",
                "Recovery " + UUID.randomUUID(), "HasOptedOutOfEmail", false))).toList();
        String before = salesforce.pubSub().latestReplayId();
        await().atMost(PATIENCE).until(() -> before.equals(checkpoint()));

        jdbc.execute("alter table dead_letter rename to dead_letter_away");
        String poisoned;
        try {
            // The ledger refuses this event (a commit user longer than a Salesforce id), and now its dead letter too.
            salesforce.pubSub().inject(HandMadeChangeEvents.optOutBy(contacts.get(0), "005A0000001abcdEAA-not-a-user-id-at-all"));
            poisoned = salesforce.pubSub().latestReplayId();
            salesforce.pubSub().inject(HandMadeChangeEvents.optOutBy(contacts.get(1), "005A0000001abcdEAA"));
            salesforce.pubSub().inject(HandMadeChangeEvents.optOutBy(contacts.get(2), "005A0000001abcdEAA"));

            await().atMost(PATIENCE).until(recovery::isHalted);
            assertThat(intakeMBean.getHaltedBecause()).contains("could be neither recorded nor sent to the dead letters");
            // Restarting again and again from the checkpoint, nothing passes the refused event meanwhile.
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> before.equals(checkpoint()) && ledger.forContact(contacts.get(1)).isEmpty()
                            && ledger.forContact(contacts.get(2)).isEmpty());
        } finally {
            jdbc.execute("alter table dead_letter_away rename to dead_letter");
        }

        String last = salesforce.pubSub().latestReplayId();
        await().atMost(PATIENCE).until(() -> last.equals(checkpoint()));
        assertThat(deadLetters.open()).filteredOn(letter -> poisoned.equals(letter.replayId()))
                .singleElement().satisfies(letter -> assertThat(letter.payload()).contains(contacts.get(0)));
        assertThat(ledger.forContact(contacts.get(0))).isEmpty();
        assertThat(ledger.forContact(contacts.get(1))).hasSize(1);
        assertThat(ledger.forContact(contacts.get(2))).hasSize(1);
        assertThat(recovery.isHalted()).isFalse();
        assertThat(intakeMBean.getHaltedBecause()).isEmpty();
    }

    private String checkpoint() {
        return checkpoints.find(topic).map(ReplayCheckpoints.Checkpoint::replayId).orElse(null);
    }
}
