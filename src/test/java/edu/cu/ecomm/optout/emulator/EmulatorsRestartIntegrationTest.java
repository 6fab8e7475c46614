package edu.cu.ecomm.optout.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import edu.cu.ecomm.optout.support.RestartedService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone emulators (README, "Running against standalone emulators") stopped and started again between two
 * runs of the service, as Salesforce itself never is: the org they come back with still has its events under the
 * same replay ids, so the service resumes after its stored checkpoint, with no rejected replay id and no catch-up.
 */
class EmulatorsRestartIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String TOPIC = "/data/ContactChangeEvent";
    private static final int SEEDED = 40;

    @TempDir
    Path folder;

    private RestartedService org;

    @AfterEach
    void stopAll() {
        if (org != null) {
            org.close();
        }
    }

    @Test
    void serviceResumesFromItsCheckpointAfterTheEmulatorsRestartWithoutARejectedReplayIdOrACatchUp() {
        Path savedOrg = folder.resolve("salesforce-org.ser");
        SalesforceEmulator first = EmulatorsMain.salesforceOrg(savedOrg, 0, 0, SEEDED);
        org = RestartedService.against(first)
                .with("optout.catch-up.poll-interval", "200")
                .with("optout.initial-snapshot.poll-interval", "PT0.2S")
                .with("optout.catch-up.settle", "PT1S");
        List<String> contacts = first.http().allContacts().stream().map(c -> (String) c.get("Id")).limit(5).toList();
        org.start();
        // The first start's snapshot and catch-up are done before anything changes.
        await().atMost(PATIENCE).until(() -> org.database().queryForObject(
                "select count(*) from catch_up_request where state = 'PENDING'", Long.class) == 0);
        contacts.subList(0, 3).forEach(id -> org.specialist().setOptOut(id, true));
        await().atMost(PATIENCE).until(() -> org.ledger().count() == 3);
        org.stop();
        EmulatorsMain.stopAndSave(first, savedOrg);

        SalesforceEmulator restarted = EmulatorsMain.salesforceOrg(savedOrg, 0, 0, SEEDED).start();
        org.switchTo(restarted);
        contacts.subList(3, 5).forEach(id -> org.specialist().setOptOut(id, true));
        org.start();

        await().atMost(PATIENCE).until(() -> org.ledger().count() == 5);
        await().atMost(PATIENCE).until(() -> restarted.pubSub().latestReplayId()
                .equals(org.bean(ReplayCheckpoints.class).find(TOPIC).orElseThrow().replayId()));
        contacts.forEach(id -> assertThat(org.ledger().forContact(id)).as("changes of %s", id)
                .singleElement().extracting(ContactChange::source).isEqualTo(ChangeSource.CDC));
        Counter rejected = org.bean(MeterRegistry.class).find("optout.intake.replay-id.rejected").counter();
        assertThat(rejected == null ? 0 : rejected.count()).as("replay ids Salesforce rejected").isZero();
        assertThat(org.database().queryForList("select reason from catch_up_request"
                + " where reason not like 'first start%'", String.class)).as("catch-ups after the first start").isEmpty();
    }
}
