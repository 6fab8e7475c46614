package edu.cu.ecomm.optout.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import edu.cu.ecomm.optout.support.JavaProcess;
import edu.cu.ecomm.optout.support.ServiceIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote JMX with TLS: the registry and connector answer only TLS, with the configured key, and a client that
 * trusts that key and logs in gets a session.
 */
class RemoteJmxTlsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path folder;

    private RemoteJmxServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void registryAndConnectorSpeakTlsWithTheConfiguredKey() throws Exception {
        String password = UUID.randomUUID().toString();
        Path keyStore = folder.resolve("jmx.p12");
        generateKey(keyStore, password);
        JmxUsers users = JmxUsers.in(folder.resolve("users"));
        int port = startOnAFreePort(free -> new RemoteJmxServer(free, "127.0.0.1", users.passwordFile.toString(),
                users.accessFile.toString(), true, false, keyStore.toString(), password, "PKCS12"));
        assertThat(server.isRunning()).isTrue();

        try (SSLSocket socket = (SSLSocket) trusting(keyStore, password).getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            X509Certificate presented = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            assertThat(presented.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
        }
        // A client without TLS does not get through.
        assertThatThrownBy(() -> JmxUsers.connect(port, "operator", users.operatorPassword, Map.of()).close())
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void aClientTrustingTheKeyLogsInOverTlsAndReadsAnAttribute() throws Exception {
        String password = UUID.randomUUID().toString();
        Path keyStore = folder.resolve("jmx.p12");
        generateKey(keyStore, password);
        JmxUsers users = JmxUsers.in(folder.resolve("users"));
        int port = startOnAFreePort(free -> new RemoteJmxServer(free, "127.0.0.1", users.passwordFile.toString(),
                users.accessFile.toString(), true, false, keyStore.toString(), password, "PKCS12"));

        // The client's trust store is JVM-wide (the JVM's default SSL context), so it runs in a JVM of its own.
        try (JavaProcess client = RemoteJmxClientProcess.start(port, "viewer", users.viewerPassword, keyStore,
                password, folder.resolve("client.log"))) {
            await().atMost(PATIENCE).until(() -> !client.isAlive());
            // The Pid read over the connection is this JVM's: the session reached this server's MBeans.
            assertThat(client.output()).as("client output")
                    .contains(RemoteJmxClientProcess.PID + ProcessHandle.current().pid());
        }
    }

    /**
     * Starts the server on a port found free and returns the port. Another socket may take that port before the
     * server binds it (on a busy CI machine): the server is then started on another one, a few times at most. The
     * server cannot take port 0 itself: its registry and connector share the port clients are told.
     */
    private int startOnAFreePort(IntFunction<RemoteJmxServer> serverOn) {
        for (int attempt = 1; ; attempt++) {
            int port = ServiceIntegrationTest.freePort();
            server = serverOn.apply(port);
            try {
                server.start();
                return port;
            } catch (IllegalStateException e) {
                if (attempt == 5 || !portTaken(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean portTaken(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static SSLContext trusting(Path keyStore, String password) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            trusted.load(in, password.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static void generateKey(Path keyStore, String password) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "jmx", "-keyalg", "RSA",
                "-keysize", "2048", "-dname", "CN=localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", password, "-keypass", password,
                "-ext", "san=ip:127.0.0.1,dns:localhost").redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();
    }
}
