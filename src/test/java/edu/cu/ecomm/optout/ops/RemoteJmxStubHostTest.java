package edu.cu.ecomm.optout.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.rmi.Remote;
import java.rmi.registry.LocateRegistry;
import java.time.Duration;
import java.util.Map;

import edu.cu.ecomm.optout.support.JavaProcess;
import edu.cu.ecomm.optout.support.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JConsole on another machine looks the connector's stub up in the registry and then connects to the host
 * written in that stub, so the stub must name {@code optout.jmx.remote.host}, not whatever address the machine
 * calls itself (127.0.1.1 on Debian, a container's own IP). The host in a stub is JVM-wide
 * ({@code java.rmi.server.hostname}), so each server runs in a JVM of its own.
 */
class RemoteJmxStubHostTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String CONFIGURED_HOST = "jmx.optout.example";

    @TempDir
    Path folder;

    @Test
    void theConnectorStubNamesTheConfiguredHost() throws Exception {
        JmxUsers users = JmxUsers.in(folder.resolve("users"));
        int port = ServiceIntegrationTest.freePort();
        try (JavaProcess server = RemoteJmxServerProcess.start(port, CONFIGURED_HOST, users, Map.of(),
                folder.resolve("server.log"))) {
            awaitListening(server);

            assertThat(connectorStub(port)).contains("endpoint:[" + CONFIGURED_HOST + ":" + port + "]");
        }
    }

    @Test
    void anRmiHostnameTheOperatorSetIsKeptWithAWarning() throws Exception {
        JmxUsers users = JmxUsers.in(folder.resolve("users"));
        int port = ServiceIntegrationTest.freePort();
        try (JavaProcess server = RemoteJmxServerProcess.start(port, CONFIGURED_HOST, users,
                Map.of("java.rmi.server.hostname", "operators-choice.example"), folder.resolve("server.log"))) {
            awaitListening(server);

            assertThat(connectorStub(port)).contains("endpoint:[operators-choice.example:" + port + "]");
            assertThat(server.output()).contains("WARN").contains("java.rmi.server.hostname")
                    .contains("operators-choice.example");
        }
    }

    @Test
    void aBlankHostIsRefusedAtStartUp() {
        JmxUsers users = JmxUsers.in(folder.resolve("users"));

        assertThatThrownBy(() -> new RemoteJmxServer(ServiceIntegrationTest.freePort(), " ",
                users.passwordFile.toString(), users.accessFile.toString(), false, false, "", "", "PKCS12"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("optout.jmx.remote.host");
    }

    private static void awaitListening(JavaProcess server) {
        await().atMost(PATIENCE).until(() -> server.output().contains(RemoteJmxServerProcess.LISTENING)
                || !server.isAlive());
        assertThat(server.output()).as("server output").contains(RemoteJmxServerProcess.LISTENING);
    }

    /** The connector's stub as a client receives it from the registry (its text names the endpoint, host:port). */
    private static String connectorStub(int port) throws Exception {
        Remote stub = LocateRegistry.getRegistry("127.0.0.1", port).lookup(RemoteJmxServer.NAME);
        return stub.toString();
    }
}
