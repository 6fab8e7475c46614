package edu.cu.ecomm.optout.ops;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import javax.rmi.ssl.SslRMIClientSocketFactory;

import edu.cu.ecomm.optout.support.JavaProcess;

/**
 * A remote JMX client over TLS in a JVM of its own, as a JConsole started with {@code -Djavax.net.ssl.trustStore}:
 * TLS clients of RMI trust what the JVM's default SSL context trusts, a JVM-wide setting. Arguments port, user,
 * password; it reads the server JVM's process id ({@code java.lang:type=Runtime} {@code Pid}), prints it after
 * {@link #PID}, and ends. A failure ends it with its stack trace instead.
 */
final class RemoteJmxClientProcess {

    static final String PID = "server pid: ";

    private RemoteJmxClientProcess() {
    }

    static JavaProcess start(int port, String user, String password, Path trustStore, String trustStorePassword,
                             Path log) {
        return JavaProcess.start("remote JMX client", RemoteJmxClientProcess.class, "64m",
                Map.of("javax.net.ssl.trustStore", trustStore.toString(),
                        "javax.net.ssl.trustStorePassword", trustStorePassword,
                        "javax.net.ssl.trustStoreType", "PKCS12"),
                List.of(String.valueOf(port), user, password), log);
    }

    public static void main(String[] args) throws Exception {
        Map<String, Object> env = new HashMap<>();
        env.put(JMXConnector.CREDENTIALS, new String[] {args[1], args[2]});
        // The registry speaks TLS too: the look-up goes through a TLS socket as well.
        env.put("com.sun.jndi.rmi.factory.socket", new SslRMIClientSocketFactory());
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + args[0] + "/jmxrmi");
        try (JMXConnector connector = JMXConnectorFactory.connect(url, env)) {
            Object pid = connector.getMBeanServerConnection()
                    .getAttribute(new ObjectName("java.lang:type=Runtime"), "Pid");
            System.out.println(PID + pid);
        }
    }
}
