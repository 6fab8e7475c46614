package edu.cu.ecomm.optout.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmxCredentialsTest {

    @TempDir
    Path folder;

    @Test
    void userWithTheRightPasswordIsAuthenticatedWithTheirAccess() throws Exception {
        JmxUsers users = JmxUsers.in(folder);
        JmxCredentials credentials = JmxCredentials.load(users.passwordFile, users.accessFile);

        Subject subject = credentials.authenticate(new String[] {"viewer", users.viewerPassword});

        assertThat(subject.getPrincipals(JMXPrincipal.class)).extracting(JMXPrincipal::getName).containsExactly("viewer");
        assertThat(credentials.accessOf("viewer")).isEqualTo(JmxCredentials.Access.READONLY);
        assertThat(credentials.accessOf("operator")).isEqualTo(JmxCredentials.Access.READWRITE);
    }

    @Test
    void wrongPasswordUnknownUserAndMissingCredentialsAreRefused() throws Exception {
        JmxUsers users = JmxUsers.in(folder);
        JmxCredentials credentials = JmxCredentials.load(users.passwordFile, users.accessFile);

        assertThatThrownBy(() -> credentials.authenticate(new String[] {"viewer", "guess"}))
                .isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> credentials.authenticate(new String[] {"nobody", users.viewerPassword}))
                .isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> credentials.authenticate(null)).isInstanceOf(SecurityException.class);
    }

    @Test
    void userWithoutAnAccessLineIsRefused() throws Exception {
        JmxUsers users = JmxUsers.in(folder);
        Files.writeString(users.accessFile, "operator readwrite\n");
        JmxCredentials credentials = JmxCredentials.load(users.passwordFile, users.accessFile);

        assertThatThrownBy(() -> credentials.authenticate(new String[] {"viewer", users.viewerPassword}))
                .isInstanceOf(SecurityException.class);
    }

    @Test
    void passwordFileOthersCanReadIsRefused() throws Exception {
        JmxUsers users = JmxUsers.in(folder);
        Files.setPosixFilePermissions(users.passwordFile, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> JmxCredentials.load(users.passwordFile, users.accessFile))
                .hasMessageContaining("readable by its owner only");
    }

    @Test
    void accessOtherThanReadonlyOrReadwriteIsRefused() throws Exception {
        JmxUsers users = JmxUsers.in(folder);
        Files.writeString(users.accessFile, "operator admin\n");

        assertThatThrownBy(() -> JmxCredentials.load(users.passwordFile, users.accessFile))
                .hasMessageContaining("neither readonly nor readwrite");
    }
}
