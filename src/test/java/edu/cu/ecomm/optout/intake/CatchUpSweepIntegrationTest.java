package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import edu.cu.ecomm.optout.support.ServiceIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** The periodic sweep finds the change of an event camel-salesforce skipped, once. */
@TestPropertySource(properties = {
        "optout.catch-up.cron=0/2 * * * * ?",
        "optout.catch-up.look-back=PT10M",
        "optout.catch-up.poll-interval=200",
        "optout.initial-snapshot.poll-interval=PT0.2S",
        "optout.catch-up.settle=PT1S"})
class CatchUpSweepIntegrationTest extends ServiceIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Autowired
    SalesforceEmulator salesforce;
    @Autowired
    ChangeLedger ledger;
    @Autowired
    DeadLetters deadLetters;
    @Autowired
    MeterRegistry meters;

    @Test
    void skippedUndecodableEventIsFoundByTheSweepAndRecordedOnce() {
        SalesforceRestClient specialist = specialistOnceSubscribed();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String contact = specialist.create(Map.of("LastName", "Sweep " + suffix, "HasOptedOutOfEmail", false));

        salesforce.pubSub().publishNextGarbled(1);
        specialist.setOptOut(contact, true);

        await().atMost(PATIENCE).until(() -> deadLetters.open().stream()
                .anyMatch(letter -> letter.reason().contains("skipped by camel-salesforce")));
        await().atMost(PATIENCE).until(() -> ledger.forContact(contact).size() == 1);
        assertThat(ledger.forContact(contact).get(0).source()).isEqualTo(ChangeSource.CATCHUP);
        assertThat(ledger.forContact(contact).get(0).optedOut()).isTrue();

        double sweeps = meters.counter("optout.catch-up.runs").count();
        await().atMost(PATIENCE).until(() -> meters.counter("optout.catch-up.runs").count() >= sweeps + 2);
        assertThat(ledger.forContact(contact)).as("later sweeps over the same change").hasSize(1);
    }
}
