package edu.cu.ecomm.optout.support;

import java.io.IOException;
import java.net.ServerSocket;

import edu.cu.ecomm.optout.OptOutSyncApplication;
import edu.cu.ecomm.optout.emulator.LocalEmulators;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
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
@Import(LocalEmulators.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public abstract class ServiceIntegrationTest {

    @DynamicPropertySource
    static void emulatorsAndDatabase(DynamicPropertyRegistry registry) {
        EmulatedServiceProperties.forFreePorts().forEach((key, value) -> registry.add(key, () -> value));
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
