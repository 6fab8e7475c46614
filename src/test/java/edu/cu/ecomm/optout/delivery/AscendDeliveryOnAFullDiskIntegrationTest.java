package edu.cu.ecomm.optout.delivery;

import static edu.cu.ecomm.optout.delivery.DeliveryDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import edu.cu.ecomm.optout.OptOutSyncApplication;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ops.DeliveryMBean;
import edu.cu.ecomm.optout.support.SmallDisk;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The nightly delivery when the disk its batch file is built on is full (a real tmpfs out of space, see
 * {@link SmallDisk}): nothing half-written is left behind or sent, no change is marked delivered, the batch stays
 * pending with the reason, and once space is freed the next run delivers the same batch whole.
 */
@CamelSpringBootTest
@SpringBootTest(classes = {OptOutSyncApplication.class, FakeContacts.InPlaceOfSalesforce.class})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@EnabledIfEnvironmentVariable(named = SmallDisk.VARIABLE, matches = ".+")
class AscendDeliveryOnAFullDiskIntegrationTest {

    private static final Path OUTBOX = Path.of("target", "ascend-full-disk-it", UUID.randomUUID().toString(), "outbox");
    private static final SmallDisk DISK = SmallDisk.fromEnvironment();
    private static Path staging;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        staging = DISK.folder("ascend-staging");
        NightlyRouteAlone.register(registry, OUTBOX, staging);
    }

    @Autowired
    ProducerTemplate producer;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ChangeLedger ledger;
    @Autowired
    FakeContacts contacts;
    @Autowired
    DeliveryMBean deliveryJmx;

    @AfterAll
    static void freeTheDisk() throws IOException {
        DISK.free();
    }

    @Test
    void aBatchThatCannotBeWrittenStaysPendingWithTheReasonAndIsDeliveredWholeOnceSpaceIsFreed() throws Exception {
        Instant day = Instant.parse("2026-11-26T15:00:00Z");
        for (int n = 1; n <= 3; n++) {
            contacts.put(contact(n), "person" + n + "@example.edu");
            ReadyChanges.ready(ledger, contact(n), n % 2 == 1, day.plusSeconds(n));
        }
        DISK.fill();

        deliverNow();

        assertThat(files(OUTBOX)).as("nothing sent").isEmpty();
        assertThat(files(staging)).as("nothing half-written left on the full disk").isEmpty();
        assertThat(ledger.count(ChangeState.READY)).isEqualTo(3);
        Map<String, Object> batch = jdbc.queryForMap("select id, state, file_name, last_error from ascend_batch");
        assertThat(batch.get("state")).isEqualTo("PENDING");
        assertThat((String) batch.get("last_error")).contains("No space left on device");
        assertThat(deliveryJmx.getPendingBatch()).contains((String) batch.get("file_name"))
                .contains("No space left on device");

        DISK.free();
        deliverNow();

        assertThat(jdbc.queryForMap("select id, state, file_name from ascend_batch"))
                .containsEntry("id", batch.get("id")).containsEntry("state", "DELIVERED")
                .containsEntry("file_name", batch.get("file_name"));
        assertThat(Files.readAllLines(OUTBOX.resolve((String) batch.get("file_name")), StandardCharsets.UTF_8))
                .hasSize(4).contains(contact(1) + ",person1@example.edu,TRUE,2026-11-26T15:00:01Z,OPT_OUT,CDC");
        assertThat(ledger.count(ChangeState.DELIVERED)).isEqualTo(3);
    }

    private void deliverNow() {
        producer.sendBody("direct:ascend-deliver-now", null);
    }

    private static List<Path> files(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }
}
