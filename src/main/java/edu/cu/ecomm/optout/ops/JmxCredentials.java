package edu.cu.ecomm.optout.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;

/**
 * The users of the remote JMX connector, in the JDK's own file formats: a password file of
 * {@code user password} lines and an access file of {@code user readonly|readwrite} lines ({@code #} starts a
 * comment). Like the JDK agent it refuses a password file others can read. A user without an access line has
 * no access.
 */
final class JmxCredentials implements JMXAuthenticator {

    enum Access { READONLY, READWRITE }

    private final Map<String, String> passwords;
    private final Map<String, Access> access;

    private JmxCredentials(Map<String, String> passwords, Map<String, Access> access) {
        this.passwords = passwords;
        this.access = access;
    }

    static JmxCredentials load(Path passwordFile, Path accessFile) throws IOException {
        requireOwnerOnly(passwordFile);
        Map<String, String> passwords = pairs(passwordFile);
        Map<String, Access> access = new HashMap<>();
        pairs(accessFile).forEach((user, level) -> {
            switch (level.toLowerCase()) {
                case "readonly" -> access.put(user, Access.READONLY);
                case "readwrite" -> access.put(user, Access.READWRITE);
                default -> throw new IllegalArgumentException("access file " + accessFile + ": '" + level
                        + "' for " + user + " is neither readonly nor readwrite");
            }
        });
        if (passwords.isEmpty()) {
            throw new IllegalArgumentException("password file " + passwordFile + " names no user");
        }
        return new JmxCredentials(passwords, access);
    }

    @Override
    public Subject authenticate(Object credentials) {
        if (!(credentials instanceof String[] pair) || pair.length != 2 || pair[0] == null || pair[1] == null) {
            throw new SecurityException("credentials required: user name and password");
        }
        String expected = passwords.get(pair[0]);
        boolean matches = expected != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                pair[1].getBytes(StandardCharsets.UTF_8));
        if (!matches || !access.containsKey(pair[0])) {
            throw new SecurityException("authentication failed");
        }
        Set<Principal> principals = Collections.singleton(new JMXPrincipal(pair[0]));
        return new Subject(true, principals, Collections.emptySet(), Collections.emptySet());
    }

    Access accessOf(String user) {
        return access.get(user);
    }

    private static void requireOwnerOnly(Path file) throws IOException {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)
                || permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IllegalStateException("password file " + file + " must be readable by its owner only"
                    + " (chmod 600 " + file + ")");
        }
    }

    private static Map<String, String> pairs(Path file) throws IOException {
        Map<String, String> pairs = new HashMap<>();
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException(file + ": a line must hold a user name and a value");
            }
            pairs.put(parts[0], parts[1].strip());
        }
        return pairs;
    }
}
