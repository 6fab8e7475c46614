package edu.cu.ecomm.optout.ops;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.NoSuchObjectException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;

import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIJRMPServerImpl;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import javax.rmi.ssl.SslRMIServerSocketFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Remote JMX, off unless {@code optout.jmx.remote.port} is set: an RMI connector server over the platform MBean
 * server (Camel's MBeans and the service's), with its registry on the same port. It requires the users of a
 * password file ({@code optout.jmx.remote.password-file}, readable by its owner only) whose rights come from an
 * access file ({@code optout.jmx.remote.access-file}: readonly or readwrite). With {@code optout.jmx.remote.ssl}
 * both the registry and the connector speak TLS, with the key store {@code optout.jmx.remote.key-store}.
 * Clients connect to {@code service:jmx:rmi:///jndi/rmi://HOST:PORT/jmxrmi}, and then to the host named in the
 * connector's stub: {@code optout.jmx.remote.host}, through {@code java.rmi.server.hostname} (see {@link #stubHost}).
 */
@Component
@ConditionalOnExpression("${optout.jmx.remote.port:0} > 0")
class RemoteJmxServer implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteJmxServer.class);
    static final String NAME = "jmxrmi";
    static final String RMI_HOSTNAME = "java.rmi.server.hostname";

    private final int port;
    private final String host;
    private final Path passwordFile;
    private final Path accessFile;
    private final boolean ssl;
    private final boolean needClientAuth;
    private final String keyStore;
    private final String keyStorePassword;
    private final String keyStoreType;

    private Registry registry;
    private JMXConnectorServer server;
    private boolean rmiHostnameSetHere;

    RemoteJmxServer(@Value("${optout.jmx.remote.port}") int port,
                    @Value("${optout.jmx.remote.host:localhost}") String host,
                    @Value("${optout.jmx.remote.password-file:}") String passwordFile,
                    @Value("${optout.jmx.remote.access-file:}") String accessFile,
                    @Value("${optout.jmx.remote.ssl:false}") boolean ssl,
                    @Value("${optout.jmx.remote.ssl-need-client-auth:false}") boolean needClientAuth,
                    @Value("${optout.jmx.remote.key-store:}") String keyStore,
                    @Value("${optout.jmx.remote.key-store-password:}") String keyStorePassword,
                    @Value("${optout.jmx.remote.key-store-type:PKCS12}") String keyStoreType) {
        if (passwordFile.isBlank() || accessFile.isBlank()) {
            throw new IllegalStateException("remote JMX (optout.jmx.remote.port) needs optout.jmx.remote.password-file"
                    + " and optout.jmx.remote.access-file");
        }
        if (host.isBlank()) {
            throw new IllegalStateException("remote JMX (optout.jmx.remote.port) needs optout.jmx.remote.host, the name"
                    + " clients use for this machine");
        }
        this.port = port;
        this.host = host;
        this.passwordFile = Path.of(passwordFile);
        this.accessFile = Path.of(accessFile);
        this.ssl = ssl;
        this.needClientAuth = needClientAuth;
        this.keyStore = keyStore;
        this.keyStorePassword = keyStorePassword;
        this.keyStoreType = keyStoreType;
    }

    @Override
    public synchronized void start() {
        try {
            JmxCredentials credentials = JmxCredentials.load(passwordFile, accessFile);
            RMIClientSocketFactory clientSockets = null;
            RMIServerSocketFactory serverSockets = null;
            if (ssl) {
                clientSockets = new SslRMIClientSocketFactory();
                serverSockets = new SslRMIServerSocketFactory(sslContext(), null, null, needClientAuth);
            }
            Map<String, Object> env = new HashMap<>();
            env.put(JMXConnectorServer.AUTHENTICATOR, credentials);
            // Only a user name and a password may be deserialised from a client before it is authenticated.
            env.put("jmx.remote.rmi.server.credentials.filter.pattern", String.class.getName() + ";!*");
            if (clientSockets != null) {
                env.put(RMIConnectorServer.RMI_CLIENT_SOCKET_FACTORY_ATTRIBUTE, clientSockets);
                env.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, serverSockets);
            }
            String stubHost = stubHost();
            registry = LocateRegistry.createRegistry(port, clientSockets, serverSockets);
            RMIJRMPServerImpl rmiServer = new RMIJRMPServerImpl(port, clientSockets, serverSockets, env);
            server = new RMIConnectorServer(new JMXServiceURL("rmi", host, port), env, rmiServer,
                    ManagementFactory.getPlatformMBeanServer());
            server.setMBeanServerForwarder(JmxAccessControl.forwarder(credentials));
            server.start();
            registry.rebind(NAME, rmiServer.toStub());
            LOG.info("Remote JMX listening on service:jmx:rmi:///jndi/rmi://{}:{}/{}, stubs naming {} ({}, password"
                    + " file {})", host, port, NAME, stubHost, ssl ? "TLS" : "no TLS", passwordFile);
        } catch (IOException | GeneralSecurityException e) {
            stop();
            throw new IllegalStateException("could not start remote JMX on port " + port + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            try {
                server.stop();
            } catch (IOException e) {
                LOG.warn("Remote JMX did not stop cleanly: {}", e.getMessage());
            }
            server = null;
        }
        if (registry != null) {
            try {
                UnicastRemoteObject.unexportObject(registry, true);
            } catch (NoSuchObjectException ignored) {
                // already gone
            }
            registry = null;
        }
        if (rmiHostnameSetHere) {
            // A later start in this JVM (a refreshed context, a test) then sees the property as not the operator's.
            System.clearProperty(RMI_HOSTNAME);
            rmiHostnameSetHere = false;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return server != null && server.isActive();
    }

    /**
     * The host written into the registry's and the connector's stubs, which a client connects to after the look-up.
     * RMI takes it from {@code java.rmi.server.hostname}, read at each export, else from the machine's own address
     * (127.0.1.1 on Debian, a container's own IP), useless to a JConsole elsewhere. The JDK has no per-object
     * setting (a socket factory does not change the host in a stub, and a custom client factory would have to be
     * on JConsole's class path), so the configured host goes into that JVM-wide property, kept for as long as the
     * server runs: the connections of clients are exported later. Nothing else in the service exports RMI objects.
     * A value the operator set ({@code -Djava.rmi.server.hostname}) is kept.
     */
    private String stubHost() {
        String operators = System.getProperty(RMI_HOSTNAME);
        if (operators == null) {
            System.setProperty(RMI_HOSTNAME, host);
            rmiHostnameSetHere = true;
            return host;
        }
        if (!operators.equals(host)) {
            LOG.warn("Remote JMX stubs name {} (-D{}), not optout.jmx.remote.host {}: clients connect to {}", operators,
                    RMI_HOSTNAME, host, operators);
        }
        return operators;
    }

    private SSLContext sslContext() throws IOException, GeneralSecurityException {
        if (keyStore.isBlank()) {
            // The JVM's own key store (javax.net.ssl.keyStore), as the JDK agent does.
            return SSLContext.getDefault();
        }
        KeyStore keys = KeyStore.getInstance(keyStoreType);
        try (InputStream in = Files.newInputStream(Path.of(keyStore))) {
            keys.load(in, keyStorePassword.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, keyStorePassword.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        return context;
    }
}
