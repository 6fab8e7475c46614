package edu.cu.ecomm.optout.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import edu.cu.ecomm.optout.OptOutSyncApplication;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.intake.CatchUps;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The whole service, routes folder included, against the emulators over real sockets and a database of its
 * own. Each test class gets a fresh application, org and database, closed after the class.
 */
@CamelSpringBootTest
@SpringBootTest(classes = OptOutSyncApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@Import(EmulatorAddresses.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
// The scheduled runs stay out of tests that do not ask for them: the hourly sweep, say, would record as catch-ups
// the changes whose events a test waits for, whenever a run crossed a quarter past the hour. A test of a schedule
// sets its own cron in a @TestPropertySource of its own, which overrides these.
@TestPropertySource(properties = {
        "optout.catch-up.cron=" + ServiceIntegrationTest.NEVER,
        "optout.ascend.cron=" + ServiceIntegrationTest.NEVER,
        "optout.resubscribe.cron=" + ServiceIntegrationTest.NEVER,
        "optout.audit.cron=" + ServiceIntegrationTest.NEVER})
public abstract class ServiceIntegrationTest {

    /** A Quartz cron that does not fire (1 January 2099). */
    public static final String NEVER = "0 0 3 1 1 ? 2099";

    @Autowired
    private CatchUps catchUps;
    @Autowired
    private SalesforceEmulator salesforceOrg;

    /**
     * A first start takes a snapshot of the org and catches up on the hole before its subscription opened;
     * tests change contacts only after that, so what they see is what intake does.
     */
    @BeforeEach
    void firstStartSettled() {
        await().atMost(Duration.ofSeconds(60)).until(() -> catchUps.pendingCount() == 0);
    }

    /**
     * A Salesforce user changing contacts over the org's REST API, once intake's subscription is open: it starts
     * at the newest event, so a change made before it opens would not be seen.
     */
    protected SalesforceRestClient specialistOnceSubscribed() {
        await().atMost(Duration.ofSeconds(60)).until(() -> salesforceOrg.pubSub().activeSubscriptions() == 1);
        return new SalesforceRestClient(salesforceOrg.loginUrl());
    }

    @DynamicPropertySource
    static void emulatorsAndDatabase(DynamicPropertyRegistry registry) {
        EmulatedServiceProperties.forEmulatorsOnAnyPort().forEach((key, value) -> registry.add(key, () -> value));
        TestDatabases.register(registry, TestDatabases.newName());
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}
