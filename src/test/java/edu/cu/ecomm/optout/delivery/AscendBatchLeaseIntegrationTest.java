package edu.cu.ecomm.optout.delivery;

import static edu.cu.ecomm.optout.delivery.DeliveryDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.ProducerTemplate;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import com.sun.net.httpserver.HttpServer;

import edu.cu.ecomm.optout.OptOutSyncApplication;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.support.TestDatabases;

/**
 * A delivery run slower than {@code optout.ascend.claim-lease}: CU Ascend's receiver (HTTP, so that a POST can be
 * held open the way a hung server holds it) keeps the run's first POST waiting while other runs try to claim the
 * batch. The lease is fifteen seconds here (renewed every five), so "slower than its lease" takes seconds, not half
 * an hour, and a loaded machine pausing the service for several seconds does not let the lease run out.
 */
@CamelSpringBootTest
@SpringBootTest(classes = {OptOutSyncApplication.class, AscendBatchLeaseIntegrationTest.Contacts.class})
// Closed after the class: its Quartz scheduler, pollers and pool would otherwise run beside every later class.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class AscendBatchLeaseIntegrationTest {

    private static final Duration LEASE = Duration.ofSeconds(15);
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final List<String> POSTS = new CopyOnWriteArrayList<>();
    private static final HeldPost HELD = new HeldPost();
    private static final ExecutorService RECEIVER_THREADS = Executors.newCachedThreadPool();
    private static final HttpServer RECEIVER = receiver();
    private static final Path WORK = Path.of("target", "ascend-lease-it", UUID.randomUUID().toString());

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabases.register(registry, TestDatabases.newName());
        registry.add("camel.main.routes-include-pattern", () -> "file:routes/ascend-nightly.camel.yaml");
        registry.add("optout.ascend.cron", () -> "0 0 1 1 1 ? 2099");
        registry.add("optout.ascend.endpoint", () -> "http://127.0.0.1:" + RECEIVER.getAddress().getPort()
                + "/optout/batches?httpMethod=POST");
        registry.add("optout.ascend.staging-dir", () -> WORK.resolve("staging").toString());
        registry.add("optout.ascend.claim-lease", LEASE::toString);
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

    @Autowired
    ProducerTemplate producer;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    ChangeLedger ledger;

    /** The run whose first POST the receiver holds. */
    private CompletableFuture<Object> slowRun;

    @BeforeEach
    void cleanSlate() {
        jdbc.update("delete from contact_change");
        jdbc.update("delete from ascend_batch");
        jdbc.update("delete from contact_state");
        POSTS.clear();
        HELD.holdTheNextPost();
        ReadyChanges.ready(ledger, contact(1), true, Instant.parse("2026-11-26T15:00:00Z"));
    }

    @AfterEach
    void letTheSlowRunFinish() throws Exception {
        HELD.release();
        if (slowRun != null) {
            slowRun.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopReceiver() {
        RECEIVER.stop(0);
        RECEIVER_THREADS.shutdownNow();
    }

    @Test
    void aRunSlowerThanItsLeaseKeepsItsBatchWhileItIsAlive() {
        startTheSlowRun();
        Instant firstLeaseEnd = jdbc.queryForObject("select last_attempt_at from ascend_batch", OffsetDateTime.class)
                .toInstant().plus(LEASE);
        // The lease the run claimed has run out (the run is still waiting for CU Ascend's answer).
        await().atMost(PATIENCE).until(() -> Instant.now().isAfter(firstLeaseEnd.plusMillis(500)));

        producer.sendBody("direct:ascend-deliver-now", null); // "deliver now" over JMX, or the next night

        assertThat(POSTS).as("nothing sent by the second run").hasSize(1);
        assertThat(jdbc.queryForObject("select attempts from ascend_batch", Integer.class))
                .as("the batch was not resumed by the second run").isEqualTo(1);
        HELD.release();
        await().atMost(PATIENCE).until(() -> ledger.count(ChangeState.DELIVERED) == 1);
        assertThat(POSTS).as("the file and its manifest, once").hasSize(2);
        assertThat(jdbc.queryForObject("select state from ascend_batch", String.class)).isEqualTo("DELIVERED");
    }

    @Test
    void aRunWhoseBatchWasTakenOverSendsNothingMoreOfItAndDoesNotMarkIt(CapturedOutput log) throws Exception {
        startTheSlowRun();
        // Another run takes the batch over while the slow one waits: a node whose clock is an hour on sees the slow
        // run's lease as run out, as every node would once the slow run's node stopped renewing it.
        AscendBatch takenOver = new BatchClaimer(jdbc, transactions, Clock.offset(Clock.systemUTC(), Duration.ofHours(1)),
                Duration.ofMinutes(30), () -> "other-node").claim();
        assertThat(takenOver).isNotNull();

        HELD.release();
        slowRun.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        assertThat(POSTS).as("the file the slow run had already sent, but no manifest after it").hasSize(1)
                .allSatisfy(post -> assertThat(post).endsWith(".csv"));
        assertThat(jdbc.queryForMap("select state, lease_owner, last_error from ascend_batch"))
                .containsEntry("state", "PENDING")
                .containsEntry("lease_owner", takenOver.leaseOwner())
                .containsEntry("last_error", null);
        assertThat(ledger.count(ChangeState.READY)).isEqualTo(1);
        assertThat(log.getOut()).contains("CU Ascend: batch " + takenOver.batchId()
                + " was taken over by another run (lease owner now " + takenOver.leaseOwner() + ")");
    }

    /** Starts "deliver now" in the background and waits until CU Ascend's receiver holds its first POST. */
    private void startTheSlowRun() {
        slowRun = producer.asyncRequestBody("direct:ascend-deliver-now", null);
        await().atMost(PATIENCE).until(HELD::holding);
    }

    /** Holds one POST open until released, as a hung server would. */
    static final class HeldPost {
        private final AtomicBoolean holdNext = new AtomicBoolean();
        private volatile CountDownLatch released = new CountDownLatch(1);
        private volatile boolean holding;

        void holdTheNextPost() {
            released = new CountDownLatch(1);
            holding = false;
            holdNext.set(true);
        }

        boolean holding() {
            return holding;
        }

        void release() {
            released.countDown();
        }

        void passOrWait() throws InterruptedException {
            if (holdNext.compareAndSet(true, false)) {
                holding = true;
                if (!released.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("The held POST was never released");
                }
            }
        }
    }

    private static HttpServer receiver() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            // A thread per request: a held POST must not keep the next one (another run's) from being answered.
            server.setExecutor(RECEIVER_THREADS);
            server.createContext("/optout/batches", exchange -> {
                exchange.getRequestBody().readAllBytes();
                POSTS.add(exchange.getRequestHeaders().getFirst("X-Ascend-File-Name"));
                try {
                    HELD.passOrWait();
                    exchange.sendResponseHeaders(201, -1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exchange.sendResponseHeaders(503, -1);
                } finally {
                    exchange.close();
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
