package edu.cu.ecomm.optout.emulator.sftp;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * CU Ascend's SFTP drop, emulated: an Apache MINA SSHD server on 127.0.0.1 that accepts one user by public
 * key only (no passwords) and presents a fixed host key, so the client's strict host-key checking is real.
 * It writes the client's private key and a {@code known_hosts} naming the server into a folder, serves
 * {@code root} as the user's home, and records every file completed by an upload (closed after writing, or
 * renamed into place from a temporary name; temporary
 * names start with a dot) in order.
 */
public final class SftpEmulator implements AutoCloseable {

    private final String user;
    private final Path root;
    private final KeyPair hostKey;
    private final KeyPair userKey;
    private final Path privateKeyFile;
    private final Path knownHostsFile;
    private final List<String> completedUploads = new CopyOnWriteArrayList<>();
    private SshServer server;
    private int port;

    /**
     * @param user    the only user allowed in
     * @param root    the user's home (the drop folder lives below it)
     * @param keysDir where the client's key and known_hosts files are written
     */
    public SftpEmulator(String user, Path root, Path keysDir) {
        this.user = user;
        this.root = root;
        try {
            Files.createDirectories(root);
            Files.createDirectories(keysDir);
            this.hostKey = ecKeyPair();
            this.userKey = ecKeyPair();
            this.privateKeyFile = keysDir.resolve("ascend_id_ecdsa");
            try (OutputStream out = Files.newOutputStream(privateKeyFile)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(userKey, "optout-sync", null, out);
            }
            this.knownHostsFile = keysDir.resolve("known_hosts");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts listening on a free port (the first start) or on the same port again (a restart); a no-op while
     * it is running.
     */
    public synchronized SftpEmulator start() {
        if (server != null) {
            writeKnownHosts();
            return this;
        }
        try {
            server = SshServer.setUpDefaultServer();
            server.setHost("127.0.0.1");
            server.setPort(port);
            server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
            server.setPasswordAuthenticator(null);
            server.setKeyboardInteractiveAuthenticator(null);
            server.setPublickeyAuthenticator((username, key, session) ->
                    user.equals(username) && KeyUtils.compareKeys(userKey.getPublic(), key));
            SftpSubsystemFactory sftp = new SftpSubsystemFactory();
            sftp.addSftpEventListener(new UploadRecorder());
            server.setSubsystemFactories(List.of(sftp));
            server.setFileSystemFactory(new VirtualFileSystemFactory(root));
            server.start();
            port = server.getPort();
            writeKnownHosts();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeKnownHosts() {
        try {
            Files.writeString(knownHostsFile, "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(hostKey.getPublic())
                    + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops accepting connections (CU Ascend's drop is down); {@link #start()} brings it back. */
    public synchronized void stop() {
        if (server != null) {
            try {
                server.stop(true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    public Path root() {
        return root;
    }

    public Path privateKeyFile() {
        return privateKeyFile;
    }

    public Path knownHostsFile() {
        return knownHostsFile;
    }

    /** Names of the files uploads completed, oldest first. */
    public List<String> completedUploads() {
        return List.copyOf(completedUploads);
    }

    /**
     * A Camel SFTP endpoint URI for {@code folder} below the user's home, with key auth and strict host keys;
     * it disconnects after each upload, so every delivery checks the host key afresh.
     */
    public String endpointUri(String folder) {
        return "sftp://" + user + "@127.0.0.1:" + port + "/" + folder + "?privateKeyFile=" + privateKeyFile
                + "&knownHostsFile=" + knownHostsFile + "&strictHostKeyChecking=yes&useUserKnownHostsFile=false"
                + "&disconnect=true";
    }

    /**
     * Makes the client's known_hosts name another key for this server, as if the server had been replaced
     * (or a man in the middle answered); {@link #start()} writes the right one again.
     */
    public void distrustHostKey() {
        try {
            Files.writeString(knownHostsFile, "[127.0.0.1]:" + port + " "
                    + PublicKeyEntry.toString(ecKeyPair().getPublic()) + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private final class UploadRecorder implements SftpEventListener {
        @Override
        public void closed(ServerSession session, String remoteHandle, Handle localHandle, Throwable thrown) {
            if (thrown == null && localHandle instanceof FileHandle file && file.getOpenOptions().stream()
                    .anyMatch(o -> o == java.nio.file.StandardOpenOption.WRITE)
                    && !file.getFile().getFileName().toString().startsWith(".")) {
                completedUploads.add(file.getFile().getFileName().toString());
            }
        }

        @Override
        public void moved(ServerSession session, Path srcPath, Path dstPath, Collection<CopyOption> opts,
                          Throwable thrown) {
            if (thrown == null) {
                completedUploads.add(dstPath.getFileName().toString());
            }
        }
    }
}
