package edu.cu.ecomm.optout.ops;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import edu.cu.ecomm.optout.support.JavaProcess;

/**
 * A remote JMX server alone in a JVM of its own, for tests of what is JVM-wide ({@code java.rmi.server.hostname}
 * decides the host written into every RMI stub of a JVM): arguments port, host, password file, access file; it
 * prints {@link #LISTENING} once clients may connect and runs until the test ends the process.
 */
final class RemoteJmxServerProcess {

    static final String LISTENING = "remote JMX server ready";

    private RemoteJmxServerProcess() {
    }

    static JavaProcess start(int port, String host, JmxUsers users, Map<String, String> systemProperties, Path log) {
        return JavaProcess.start("remote JMX server", RemoteJmxServerProcess.class, "64m", systemProperties,
                List.of(String.valueOf(port), host, users.passwordFile.toString(), users.accessFile.toString()), log);
    }

    public static void main(String[] args) throws InterruptedException {
        RemoteJmxServer server = new RemoteJmxServer(Integer.parseInt(args[0]), args[1], args[2], args[3],
                false, false, "", "", "PKCS12");
        server.start();
        System.out.println(LISTENING);
        // Serve until the test stops this process.
        Thread.currentThread().join();
    }
}
