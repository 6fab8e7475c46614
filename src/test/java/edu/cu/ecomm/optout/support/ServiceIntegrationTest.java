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

/**
 * The whole service, routes folder included, against the emulators over real sockets and a database of its
 * own. Each test class gets a fresh application, org and database, closed after the class.
 */
@CamelSpringBootTest
@SpringBootTest(classes = OptOutSyncApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@Import(EmulatorAddresses.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public abstract class ServiceIntegrationTest {

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
