package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import edu.cu.ecomm.optout.OptOutSyncApplication;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.support.EmulatedServiceProperties;
import edu.cu.ecomm.optout.support.EmulatorAddresses;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import edu.cu.ecomm.optout.support.ServiceIntegrationTest;
import edu.cu.ecomm.optout.support.SmallDisk;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The embedded ledger's disk fills up while the service runs (its H2 file on a real tmpfs out of space, see
 * {@link SmallDisk}): changes made meanwhile are not recorded and not lost, the service keeps running, and once
 * space is freed they are recorded from the stored checkpoint.
 */
@CamelSpringBootTest
@SpringBootTest(classes = OptOutSyncApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@Import(EmulatorAddresses.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@EnabledIfEnvironmentVariable(named = SmallDisk.VARIABLE, matches = ".+")
@DisabledIfEnvironmentVariable(named = "OPTOUT_TEST_DATABASE", matches = "postgres",
        disabledReason = "the PostgreSQL server's disk is not the test's to fill")
class LedgerOnAFullDiskIntegrationTest {

    // Each step may wait out the pool's connection timeout (30 s) while the database cannot be opened.
    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private static final SmallDisk DISK = SmallDisk.fromEnvironment();

    /** As {@link ServiceIntegrationTest} does, but with the embedded ledger's file on the small disk. */
    @DynamicPropertySource
    static void emulatorsAndLedgerOnTheSmallDisk(DynamicPropertyRegistry registry) throws IOException {
        EmulatedServiceProperties.forEmulatorsOnAnyPort().forEach((key, value) -> registry.add(key, () -> value));
        // Fewer, faster retries than the defaults: what is shown is what happens once they are spent.
        registry.add("optout.intake.retries", () -> "1");
        registry.add("optout.intake.retry-delay", () -> "100");
        registry.add("optout.intake.restart-delay", () -> "PT2S");
        Path folder = DISK.folder("ledger");
        registry.add("spring.datasource.url", () -> "jdbc:h2:file:" + folder.resolve("ledger")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE;WRITE_DELAY=0;DEFRAG_ALWAYS=TRUE");
    }

    @Autowired
    ChangeLedger ledger;
    @Autowired
    SalesforceEmulator salesforce;
    @Autowired
    IntakeRecovery recovery;
    @Autowired
    CatchUps catchUps;

    @AfterAll
    static void freeTheDisk() throws IOException {
        DISK.free();
    }

    @Test
    void changesMadeWhileTheLedgersDiskIsFullAreRecordedOnceSpaceIsFreed() throws IOException {
        // First start settled (snapshot, catch-up) and subscribed, as in ServiceIntegrationTest.
        await().atMost(PATIENCE).until(() -> catchUps.pendingCount() == 0
                && salesforce.pubSub().activeSubscriptions() == 1);
        SalesforceRestClient specialist = new SalesforceRestClient(salesforce.loginUrl());
        String before = newContact(specialist);
        specialist.setOptOut(before, true);
        await().atMost(PATIENCE).until(() -> ledger.forContact(before).size() == 1);

        DISK.fill();
        String during = newContact(specialist);
        specialist.setOptOut(during, true);
        // What an operator sees (JMX Intake.HaltedBecause): the change arrived and could not be written anywhere.
        await().atMost(PATIENCE).until(() -> recovery.haltedBecause().contains(
                "could be neither recorded nor sent to the dead letters"));

        DISK.free();
        // The ledger cannot be read until its database has been opened again: those reads fail, and are retried.
        await().atMost(PATIENCE).ignoreExceptions().until(() -> ledger.forContact(during).size() == 1);
        await().atMost(PATIENCE).until(() -> !recovery.isHalted());
        assertThat(ledger.forContact(before)).hasSize(1);
        assertThat(ledger.forContact(during)).singleElement()
                .satisfies(change -> assertThat(change.optedOut()).isTrue());
    }

    private static String newContact(SalesforceRestClient specialist) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        return specialist.create(Map.of("LastName", "Contact " + suffix, "Email", "t." + suffix + "@example.edu",
                "HasOptedOutOfEmail", false));
    }
}
