package edu.cu.ecomm.optout.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Test-generated remote JMX users (random passwords, files readable by the owner only): {@code operator}
 * (readwrite) and {@code viewer} (readonly), and a client connecting as an admin's JConsole would.
 */
final class JmxUsers {

    final Path passwordFile;
    final Path accessFile;
    final String operatorPassword = UUID.randomUUID().toString();
    final String viewerPassword = UUID.randomUUID().toString();

    private JmxUsers(Path folder) {
        try {
            Files.createDirectories(folder);
            passwordFile = folder.resolve("jmxremote.password");
            accessFile = folder.resolve("jmxremote.access");
            Files.writeString(passwordFile, "# test users\noperator " + operatorPassword + "\nviewer " + viewerPassword + "\n");
            Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(accessFile, "operator readwrite\nviewer readonly\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JmxUsers in(Path folder) {
        return new JmxUsers(folder);
    }

    Map<String, String> properties(int port) {
        Map<String, String> properties = new HashMap<>();
        properties.put("optout.jmx.remote.port", String.valueOf(port));
        properties.put("optout.jmx.remote.host", "127.0.0.1");
        properties.put("optout.jmx.remote.password-file", passwordFile.toString());
        properties.put("optout.jmx.remote.access-file", accessFile.toString());
        return properties;
    }

    static JMXConnector connect(int port, String user, String password, Map<String, Object> extra) throws IOException {
        Map<String, Object> env = new HashMap<>(extra);
        if (user != null) {
            env.put(JMXConnector.CREDENTIALS, new String[] {user, password});
        }
        return JMXConnectorFactory.connect(
                new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi"), env);
    }

    static MBeanServerConnection connection(JMXConnector connector) {
        try {
            return connector.getMBeanServerConnection();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
