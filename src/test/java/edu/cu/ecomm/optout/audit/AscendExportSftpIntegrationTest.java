package edu.cu.ecomm.optout.audit;

import static edu.cu.ecomm.optout.audit.AuditDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import edu.cu.ecomm.optout.OptOutSyncApplication;
import edu.cu.ecomm.optout.emulator.sftp.SftpEmulator;
import edu.cu.ecomm.optout.support.TestDatabases;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * CU Ascend's export picked up from an SFTP drop (emulated by Apache MINA SSHD: key authentication, strict host
 * keys), downloaded to a local work folder so it is read as a stream, staged, and moved to .done on the server.
 */
@CamelSpringBootTest
@SpringBootTest(classes = OptOutSyncApplication.class)
// Closed after the class: its Quartz scheduler, pollers and pool would otherwise run beside every later class.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class AscendExportSftpIntegrationTest {

    private static final Path WORK = Path.of("target", "ascend-export-sftp-it", UUID.randomUUID().toString()).toAbsolutePath();
    private static final SftpEmulator SFTP =
            new SftpEmulator("ascend", WORK.resolve("sftp-root"), WORK.resolve("keys")).start();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabases.register(registry, TestDatabases.newName());
        registry.add("camel.main.routes-include-pattern", () -> "file:routes/audit.camel.yaml");
        registry.add("optout.audit.cron", () -> "0 0 3 1 1 ? 2099");
        registry.add("optout.audit.inbound", () -> SFTP.endpointUri("exports")
                + "&localWorkDirectory=" + WORK.resolve("download") + "&delay=200");
        registry.add("optout.audit.inbound-settle", () -> "200");
    }

    @AfterAll
    static void stopSftp() {
        SFTP.close();
    }

    @Autowired
    AscendExports exports;

    @Test
    void anExportDroppedOnTheSftpServerIsStagedAndMovedToDone() throws IOException {
        Path folder = SFTP.root().resolve("exports");
        Files.createDirectories(folder);
        Path part = folder.resolve(".part-ascend.csv");
        Files.writeString(part, "ContactId,EmailOptOut\r\n" + contact(1) + ",TRUE\r\n" + contact(2) + ",FALSE\r\n"
                + contact(3) + ",N/A\r\n", StandardCharsets.UTF_8);
        Files.move(part, folder.resolve("ascend.csv"));

        await().atMost(Duration.ofSeconds(30)).until(() -> exports.newest()
                .filter(export -> "STAGED".equals(export.state())).isPresent());

        AscendExports.Export export = exports.newest().orElseThrow();
        assertThat(export.fileName()).isEqualTo("ascend.csv");
        assertThat(export.values()).isEqualTo(2);
        assertThat(exports.badRows(export.id(), 10)).singleElement()
                .satisfies(row -> assertThat(row.line()).isEqualTo(4));
        await().atMost(Duration.ofSeconds(30)).until(() -> done(folder).size() == 1);
        assertThat(done(folder).get(0).getFileName().toString()).endsWith("-ascend.csv");
        assertThat(folder.resolve("ascend.csv")).doesNotExist();
    }

    private static List<Path> done(Path folder) throws IOException {
        Path done = folder.resolve(".done");
        if (!Files.exists(done)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(done)) {
            return files.toList();
        }
    }
}
