package edu.cu.ecomm.optout.delivery;

import static edu.cu.ecomm.optout.delivery.DeliveryDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.ProducerTemplate;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

import com.fasterxml.jackson.databind.ObjectMapper;

import edu.cu.ecomm.optout.OptOutSyncApplication;
import edu.cu.ecomm.optout.support.TestDatabases;
import edu.cu.ecomm.optout.emulator.sftp.SftpEmulator;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeState;

/**
 * Delivery to CU Ascend's SFTP drop (emulated by Apache MINA SSHD) with public-key authentication and strict
 * host-key checking; what happens when the drop is down and when the service dies between upload and marking.
 */
@CamelSpringBootTest
@SpringBootTest(classes = {OptOutSyncApplication.class, AscendSftpDeliveryIntegrationTest.Contacts.class})
// Closed after the class: its Quartz scheduler, pollers and pool would otherwise run beside every later class.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class AscendSftpDeliveryIntegrationTest {

    private static final Path WORK = Path.of("target", "ascend-sftp-it", UUID.randomUUID().toString());
    private static final SftpEmulator SFTP =
            new SftpEmulator("optout", WORK.resolve("sftp-root"), WORK.resolve("keys")).start();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabases.register(registry, TestDatabases.newName());
        registry.add("camel.main.routes-include-pattern", () -> "file:routes/ascend-nightly.camel.yaml");
        registry.add("optout.ascend.cron", () -> "0 0 1 1 1 ? 2099");
        registry.add("optout.ascend.endpoint", () -> SFTP.endpointUri("inbox")
                + "&tempPrefix=.part-&connectTimeout=3000&maximumReconnectAttempts=0");
        registry.add("optout.ascend.staging-dir", () -> WORK.resolve("staging").toString());
        registry.add("optout.ascend.retry.maximum-redeliveries", () -> "2");
        registry.add("optout.ascend.retry.delay", () -> "10");
    }

    @AfterAll
    static void stopSftp() {
        SFTP.close();
    }

    @TestConfiguration
    static class Contacts {
        @Bean
        @Primary
        FakeContacts fakeContacts() {
            return new FakeContacts().put(contact(1), "ann@example.edu").put(contact(2), "bo@example.edu");
        }
    }

    @Autowired
    ProducerTemplate producer;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ChangeLedger ledger;
    @MockitoSpyBean
    BatchMarker marker;

    private final Instant day = Instant.parse("2026-11-26T15:00:00Z");
    private final AtomicBoolean crashBeforeMarking = new AtomicBoolean();

    @BeforeEach
    void cleanSlate() throws Exception {
        SFTP.start();
        jdbc.update("delete from contact_change");
        jdbc.update("delete from ascend_batch");
        doAnswer(call -> {
            if (crashBeforeMarking.get()) {
                throw new IllegalStateException("simulated crash between upload and marking");
            }
            return call.callRealMethod();
        }).when(marker).markDelivered(any());
    }

    @Test
    void deliversTheFileThenItsManifestOverSftpWithKeyAuthentication() throws Exception {
        ReadyChanges.ready(ledger, contact(1), true, day);

        deliverNow();

        String csvName = fileName(batchIds().get(0));
        Path csv = SFTP.root().resolve("inbox").resolve(csvName);
        assertThat(Files.readAllLines(csv, StandardCharsets.UTF_8)).containsExactly(
                "ContactId,Email,EmailOptOut,ChangedAt,Direction,Source",
                contact(1) + ",ann@example.edu,TRUE,2026-11-26T15:00:00Z,OPT_OUT,CDC");
        assertThat(uploadsSince(0)).containsExactly(csvName, manifestName(csvName));
        assertThat(new ObjectMapper().readTree(SFTP.root().resolve("inbox").resolve(manifestName(csvName)).toFile())
                .get("sha256").asText()).isEqualTo(AscendCsvWriter.sha256Hex(csv));
        assertThat(ledger.count(ChangeState.DELIVERED)).isEqualTo(1);
    }

    @Test
    void whenTheDropIsDownNothingIsMarkedAndTheNextRunDeliversTheOldBatchBeforeTheNewOne() throws Exception {
        int before = SFTP.completedUploads().size();
        ReadyChanges.ready(ledger, contact(1), true, day);
        SFTP.stop();

        deliverNow();

        assertThat(ledger.count(ChangeState.READY)).isEqualTo(1);
        assertThat(ledger.count(ChangeState.DELIVERED)).isZero();
        assertThat(jdbc.queryForObject("select state from ascend_batch", String.class)).isEqualTo("PENDING");
        assertThat(jdbc.queryForObject("select attempts from ascend_batch", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select last_error from ascend_batch", String.class)).isNotBlank();
        assertThat(uploadsSince(before)).isEmpty();

        SFTP.start();
        ReadyChanges.ready(ledger, contact(2), false, day.plusSeconds(86_400));
        deliverNow();

        List<Long> batches = batchIds();
        assertThat(batches).hasSize(2);
        assertThat(uploadsSince(before)).containsExactly(
                fileName(batches.get(0)), manifestName(fileName(batches.get(0))),
                fileName(batches.get(1)), manifestName(fileName(batches.get(1))));
        assertThat(jdbc.queryForList("select state from ascend_batch order by id", String.class))
                .containsExactly("DELIVERED", "DELIVERED");
        assertThat(jdbc.queryForList("select attempts from ascend_batch order by id", Integer.class))
                .containsExactly(2, 1);
        assertThat(ledger.count(ChangeState.DELIVERED)).isEqualTo(2);
    }

    @Test
    void aDropPresentingAnUnknownHostKeyGetsNothing() throws Exception {
        int before = SFTP.completedUploads().size();
        ReadyChanges.ready(ledger, contact(1), true, day);
        SFTP.distrustHostKey();

        deliverNow();

        assertThat(uploadsSince(before)).isEmpty();
        assertThat(ledger.count(ChangeState.DELIVERED)).isZero();
        assertThat(jdbc.queryForObject("select last_error from ascend_batch", String.class)).containsIgnoringCase("HostKey");
    }

    @Test
    void aCrashBetweenUploadAndMarkingDeliversTheSameBatchAgainAndLosesNoChange() throws Exception {
        int before = SFTP.completedUploads().size();
        ReadyChanges.ready(ledger, contact(1), true, day);
        ReadyChanges.ready(ledger, contact(2), true, day.plusSeconds(5));
        crashBeforeMarking.set(true);

        deliverNow();

        long batch = batchIds().get(0);
        String csvName = fileName(batch);
        byte[] firstUpload = Files.readAllBytes(SFTP.root().resolve("inbox").resolve(csvName));
        assertThat(uploadsSince(before)).startsWith(csvName, manifestName(csvName));
        assertThat(ledger.count(ChangeState.READY)).isEqualTo(2);
        assertThat(jdbc.queryForObject("select state from ascend_batch", String.class)).isEqualTo("PENDING");

        crashBeforeMarking.set(false);
        ReadyChanges.ready(ledger, contact(1), false, day.plusSeconds(86_400));
        deliverNow();

        List<Long> batches = batchIds();
        assertThat(batches.get(0)).isEqualTo(batch);
        List<String> uploads = uploadsSince(before);
        assertThat(uploads.subList(uploads.size() - 4, uploads.size())).containsExactly(
                csvName, manifestName(csvName), fileName(batches.get(1)), manifestName(fileName(batches.get(1))));
        assertThat(Files.readAllBytes(SFTP.root().resolve("inbox").resolve(csvName))).isEqualTo(firstUpload);
        assertThat(ledger.count(ChangeState.DELIVERED)).isEqualTo(3);
        assertThat(jdbc.queryForList("select state from ascend_batch order by id", String.class))
                .containsExactly("DELIVERED", "DELIVERED");
    }

    private void deliverNow() {
        producer.sendBody("direct:ascend-deliver-now", null);
    }

    private List<Long> batchIds() {
        return jdbc.queryForList("select id from ascend_batch order by id", Long.class);
    }

    private String fileName(long batchId) {
        return jdbc.queryForObject("select file_name from ascend_batch where id = ?", String.class, batchId);
    }

    private static String manifestName(String csvName) {
        return csvName.replace(".csv", ".manifest.json");
    }

    private static List<String> uploadsSince(int index) {
        List<String> all = SFTP.completedUploads();
        return all.subList(index, all.size());
    }
}
