package edu.cu.ecomm.optout.delivery;

import static edu.cu.ecomm.optout.delivery.DeliveryDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

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

import com.sun.net.httpserver.HttpServer;

import edu.cu.ecomm.optout.OptOutSyncApplication;
import edu.cu.ecomm.optout.support.TestDatabases;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeState;

/** Delivery by HTTP POST, configured only through {@code optout.ascend.endpoint}. */
@CamelSpringBootTest
@SpringBootTest(classes = {OptOutSyncApplication.class, AscendHttpDeliveryIntegrationTest.Contacts.class})
// Closed after the class: its Quartz scheduler, pollers and pool would otherwise run beside every later class.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class AscendHttpDeliveryIntegrationTest {

    /** One request the receiver got. */
    record Post(String method, String fileName, String batchId, String contentType, String body) {
    }

    private static final List<Post> POSTS = new CopyOnWriteArrayList<>();
    private static final AtomicInteger FAILURES_TO_ANSWER = new AtomicInteger();
    private static final HttpServer RECEIVER = receiver();
    private static final Path WORK = Path.of("target", "ascend-http-it", UUID.randomUUID().toString());

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabases.register(registry, TestDatabases.newName());
        registry.add("camel.main.routes-include-pattern", () -> "file:routes/ascend-nightly.camel.yaml");
        registry.add("optout.ascend.cron", () -> "0 0 1 1 1 ? 2099");
        registry.add("optout.ascend.endpoint", () -> "http://127.0.0.1:" + RECEIVER.getAddress().getPort()
                + "/optout/batches?httpMethod=POST");
        registry.add("optout.ascend.staging-dir", () -> WORK.resolve("staging").toString());
        registry.add("optout.ascend.retry.maximum-redeliveries", () -> "2");
        registry.add("optout.ascend.retry.delay", () -> "10");
    }

    @TestConfiguration
    static class Contacts {
        @Bean
        @Primary
        FakeContacts fakeContacts() {
            return new FakeContacts().put(contact(1), "ann@example.edu");
        }
    }

    @AfterAll
    static void stopReceiver() {
        RECEIVER.stop(0);
    }

    @Autowired
    ProducerTemplate producer;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ChangeLedger ledger;

    @BeforeEach
    void cleanSlate() {
        // Each test counts its own batch and deliveries.
        jdbc.update("delete from contact_change");
        jdbc.update("delete from ascend_batch");
        jdbc.update("delete from contact_state");
        POSTS.clear();
        FAILURES_TO_ANSWER.set(0);
    }

    @Test
    void postsTheFileThenItsManifestAndMarksTheBatchOnlyWhenAccepted() {
        ReadyChanges.ready(ledger, contact(1), true, Instant.parse("2026-11-26T15:00:00Z"));
        FAILURES_TO_ANSWER.set(1); // the first POST gets a 503; the retry within the run succeeds

        producer.sendBody("direct:ascend-deliver-now", null);

        String csvName = jdbc.queryForObject("select file_name from ascend_batch", String.class);
        assertThat(POSTS).extracting(Post::fileName)
                .containsExactly(csvName, csvName, csvName.replace(".csv", ".manifest.json"));
        Post csv = POSTS.get(1);
        assertThat(csv.method()).isEqualTo("POST");
        assertThat(csv.contentType()).startsWith("text/csv");
        assertThat(csv.batchId()).isEqualTo(jdbc.queryForObject("select id from ascend_batch", String.class));
        assertThat(csv.body()).startsWith("ContactId,Email,EmailOptOut,ChangedAt,Direction,Source\r\n"
                + contact(1) + ",ann@example.edu,TRUE,2026-11-26T15:00:00Z,OPT_OUT,CDC");
        assertThat(POSTS.get(2).contentType()).startsWith("application/json");
        assertThat(ledger.count(ChangeState.DELIVERED)).isEqualTo(1);
    }

    @Test
    void aReceiverRefusingThroughEveryRetryLeavesTheBatchPendingAndTheNextRunDeliversTheSameBatch() {
        ReadyChanges.ready(ledger, contact(1), true, Instant.parse("2026-11-26T15:00:00Z"));
        FAILURES_TO_ANSWER.set(1_000); // more than the run's tries: the first and maximum-redeliveries (2) more

        producer.sendBody("direct:ascend-deliver-now", null);

        Map<String, Object> failed = jdbc.queryForMap("select id, file_name, state, last_error from ascend_batch");
        String csvName = (String) failed.get("file_name");
        assertThat(failed.get("state")).isEqualTo("PENDING");
        assertThat((String) failed.get("last_error")).contains("503");
        assertThat(ledger.count(ChangeState.DELIVERED)).isZero();
        // Only the file was tried, never its manifest; each Camel try may be sent twice (the HTTP client's own retry
        // of a 503).
        assertThat(POSTS).hasSizeBetween(3, 6).extracting(Post::fileName).containsOnly(csvName);

        // The receiver is back: the next run delivers the same batch.
        FAILURES_TO_ANSWER.set(0);
        POSTS.clear();
        producer.sendBody("direct:ascend-deliver-now", null);

        Map<String, Object> delivered = jdbc.queryForMap("select id, file_name, state from ascend_batch");
        assertThat(delivered.get("id")).isEqualTo(failed.get("id"));
        assertThat(delivered.get("file_name")).isEqualTo(csvName);
        assertThat(delivered.get("state")).isEqualTo("DELIVERED");
        assertThat(POSTS).extracting(Post::fileName).containsExactly(csvName, csvName.replace(".csv", ".manifest.json"));
        assertThat(POSTS.get(0).batchId()).isEqualTo(String.valueOf(failed.get("id")));
        assertThat(POSTS.get(0).body()).contains(contact(1) + ",ann@example.edu,TRUE");
        assertThat(ledger.count(ChangeState.DELIVERED)).isEqualTo(1);
    }

    private static HttpServer receiver() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/optout/batches", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                POSTS.add(new Post(exchange.getRequestMethod(),
                        exchange.getRequestHeaders().getFirst("X-Ascend-File-Name"),
                        exchange.getRequestHeaders().getFirst("X-Ascend-Batch-Id"),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        new String(body, StandardCharsets.UTF_8)));
                int status = FAILURES_TO_ANSWER.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : 201;
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
