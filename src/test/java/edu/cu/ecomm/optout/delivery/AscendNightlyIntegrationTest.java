package edu.cu.ecomm.optout.delivery;

import static edu.cu.ecomm.optout.delivery.DeliveryDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.camel.ProducerTemplate;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import edu.cu.ecomm.optout.OptOutSyncApplication;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeState;

/** The ascend-nightly route against a folder endpoint: what one run delivers and what it marks. */
@CamelSpringBootTest
@SpringBootTest(classes = {OptOutSyncApplication.class, FakeContacts.InPlaceOfSalesforce.class})
// Closed after the class: its Quartz scheduler, pollers and pool would otherwise run beside every later class.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class AscendNightlyIntegrationTest {

    private static final Path WORK = Path.of("target", "ascend-nightly-it", UUID.randomUUID().toString());
    private static final Path OUTBOX = WORK.resolve("outbox");
    private static final Path STAGING = WORK.resolve("staging");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        NightlyRouteAlone.register(registry, OUTBOX, STAGING);
    }

    @Autowired
    ProducerTemplate producer;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ChangeLedger ledger;
    @Autowired
    FakeContacts contacts;

    private final Instant day = Instant.parse("2026-11-26T15:00:00Z");

    @BeforeEach
    void cleanSlate() throws IOException {
        jdbc.update("delete from contact_change");
        jdbc.update("delete from ascend_batch");
        jdbc.update("delete from contact_state");
        contacts.clear();
        if (Files.exists(OUTBOX)) {
            try (Stream<Path> files = Files.list(OUTBOX)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    @Test
    void aDayOfChangesBecomesOneFileWithEachContactsFinalValueAndAManifest() throws Exception {
        contacts.put(contact(1), "ann@example.edu").put(contact(2), "bo@example.edu").put(contact(3), "cy@example.edu");
        ready(contact(1), true, day);
        ready(contact(2), true, day.plusSeconds(60));
        ready(contact(1), false, day.plusSeconds(120));
        ready(contact(3), false, day.plusSeconds(180));
        ready(contact(2), false, day.plusSeconds(240));
        ready(contact(2), true, day.plusSeconds(300)); // flip-flop: ends opted out

        deliverNow();

        List<Path> csvs = outbox(".csv");
        assertThat(csvs).hasSize(1);
        Path csv = csvs.get(0);
        long batchId = jdbc.queryForObject("select id from ascend_batch", Long.class);
        assertThat(csv.getFileName().toString()).matches("optout-\\d{8}-\\d{6}-" + batchId + "\\.csv");
        assertThat(Files.readAllLines(csv, StandardCharsets.UTF_8)).containsExactly(
                "ContactId,Email,EmailOptOut,ChangedAt,Direction,Source",
                contact(1) + ",ann@example.edu,FALSE,2026-11-26T15:02:00Z,OPT_IN,CDC",
                contact(2) + ",bo@example.edu,TRUE,2026-11-26T15:05:00Z,OPT_OUT,CDC",
                contact(3) + ",cy@example.edu,FALSE,2026-11-26T15:03:00Z,OPT_IN,CDC");

        JsonNode manifest = new ObjectMapper().readTree(outbox(".manifest.json").get(0).toFile());
        assertThat(manifest.get("batchId").asText()).isEqualTo(Long.toString(batchId));
        assertThat(manifest.get("fileName").asText()).isEqualTo(csv.getFileName().toString());
        assertThat(manifest.get("rowCount").asLong()).isEqualTo(3);
        assertThat(manifest.get("changeCount").asLong()).isEqualTo(6);
        assertThat(manifest.get("sha256").asText()).isEqualTo(AscendCsvWriter.sha256Hex(csv));

        assertThat(ledger.count(ChangeState.DELIVERED)).isEqualTo(6);
        assertThat(jdbc.queryForObject("select state from ascend_batch", String.class)).isEqualTo("DELIVERED");
        assertThat(jdbc.queryForList("select opted_out from contact_state order by contact_id", Boolean.class))
                .containsExactly(false, true, false);
        assertThat(contacts.queries).hasSize(1);
        assertThat(STAGING).as("delivered files are not kept").isEmptyDirectory();
    }

    @Test
    void namesAndEmailsThatLookLikeFormulasAreNeutralised() throws Exception {
        contacts.put(contact(1), "=HYPERLINK(\"http://evil.example\",\"x\")@example.edu")
                .put(contact(2), "+1@example.edu").put(contact(3), "@SUM(1)");
        ready(contact(1), true, day);
        ready(contact(2), true, day);
        ready(contact(3), true, day);

        deliverNow();

        String csv = Files.readString(outbox(".csv").get(0), StandardCharsets.UTF_8);
        assertThat(csv).contains(contact(1) + ",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")@example.edu\",TRUE")
                .contains(contact(2) + ",'+1@example.edu,TRUE")
                .contains(contact(3) + ",'@SUM(1),TRUE");
    }

    @Test
    void anEmptyNightWritesNoFile() throws Exception {
        deliverNow();

        assertThat(outbox("")).isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from ascend_batch", Long.class)).isZero();
    }

    @Test
    void changesAlreadyDeliveredAreNotDeliveredAgain() throws Exception {
        contacts.put(contact(1), "ann@example.edu");
        ready(contact(1), true, day);
        deliverNow();
        deliverNow();

        assertThat(outbox(".csv")).hasSize(1);
        ready(contact(1), false, day.plusSeconds(86_400));
        deliverNow();
        assertThat(outbox(".csv")).hasSize(2);
        assertThat(jdbc.queryForList("select change_count from ascend_batch order by id", Integer.class))
                .containsExactly(1, 1);
    }

    private void deliverNow() {
        producer.sendBody("direct:ascend-deliver-now", null);
    }

    private void ready(String contactId, boolean optedOut, Instant committed) {
        ReadyChanges.ready(ledger, contactId, optedOut, committed);
    }

    private List<Path> outbox(String suffix) throws IOException {
        if (!Files.exists(OUTBOX)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(OUTBOX)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }
}
