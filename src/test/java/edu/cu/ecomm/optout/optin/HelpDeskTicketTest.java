package edu.cu.ecomm.optout.optin;

import static edu.cu.ecomm.optout.optin.FlowsFixture.DENVER;
import static edu.cu.ecomm.optout.optin.FlowsFixture.contactId;
import static edu.cu.ecomm.optout.optin.OptInOutcomesTest.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

/**
 * Tickets posted to a help-desk API over HTTP instead of written to a folder, by configuration only
 * ({@code optout.tickets.endpoint}), against a local HTTP server standing in for the help desk.
 */
class HelpDeskTicketTest {

    record Received(String method, String path, String contentType, String idempotencyKey, String authorization,
                    String body) {
    }

    @TempDir
    Path outbox;

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failures = new AtomicInteger();
    /** What the help desk does with a ticket before it answers (a slow help desk). */
    private volatile Runnable whilePosting = () -> { };
    private final HttpServer helpDesk = startHelpDesk();

    private HttpServer startHelpDesk() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/api/v1/tickets", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                if (exchange.getRequestHeaders().getFirst("Authorization") == null) {
                    // Like a real API: no credentials, no ticket.
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"helpdesk\"");
                    exchange.sendResponseHeaders(401, -1);
                    exchange.close();
                    return;
                }
                whilePosting.run();
                int status = failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : 201;
                if (status == 201) {
                    received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                            exchange.getRequestHeaders().getFirst("Content-Type"),
                            exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                            exchange.getRequestHeaders().getFirst("Authorization"), body));
                }
                byte[] answer = "{\"id\":\"HD-1\"}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stopHelpDesk() {
        helpDesk.stop(0);
    }

    private final FlowsFixture f = new FlowsFixture();

    private FlowRoutes routes() throws Exception {
        String endpoint = "http://127.0.0.1:" + helpDesk.getAddress().getPort() + "/api/v1/tickets"
                + "?httpMethod=POST&authMethod=Basic&authenticationPreemptive=true&authUsername=optout-sync"
                + "&authPassword=RAW(s3cret+/=)";
        FlowRoutes routes = new FlowRoutes(f, outbox, Map.of("optout.tickets.endpoint", endpoint),
                "resubscribe-weekly.camel.yaml");
        return routes.advice("resubscribe-weekly", a -> a.replaceFromWith("direct:weekly-trigger")).start();
    }

    private long openUrgentRequest() {
        f.requests.open(null, contact(contactId(1), true),
                new UnitStatus(f.units.unit(DENVER), "Held", ShirtColour.GRAY, null));
        return f.requests.forContact(contactId(1)).get(0).id();
    }

    /** Runs {@code work} on another thread (another node, an opt-out): its result, or its failure after 10 s. */
    private static Object elsewhere(Supplier<Object> work) {
        try {
            return CompletableFuture.supplyAsync(work).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            return e;
        }
    }

    @Test
    void anUrgentRequestIsPostedOnceAsJsonAndRetriedWhileTheHelpDeskIsDown() throws Exception {
        try (FlowRoutes routes = routes()) {
            long id = openUrgentRequest();
            failures.set(1);

            routes.send("direct:resubscribe-tickets", null);
            assertThat(received).isEmpty();
            assertThat(f.requests.unsentTickets()).containsExactly(id);

            routes.send("direct:resubscribe-tickets", null);
            routes.send("direct:resubscribe-tickets", null);

            assertThat(received).singleElement().satisfies(r -> {
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.contentType()).startsWith("application/json");
                assertThat(r.idempotencyKey()).isEqualTo("RSR-" + id);
                assertThat(r.authorization()).isEqualTo("Basic " + java.util.Base64.getEncoder()
                        .encodeToString("optout-sync:s3cret+/=".getBytes(StandardCharsets.UTF_8)));
                assertThat(r.body()).contains("\"category\" : \"Marketing Cloud > Resubscribe Contact\"")
                        .contains("\"contactId\" : \"" + contactId(1) + "\"").contains("\"status\" : \"Held\"");
            });
        }
    }

    @Test
    void theRequestIsNotLockedWhileItsTicketIsPosted() throws Exception {
        try (FlowRoutes routes = routes()) {
            long id = openUrgentRequest();
            // The contact opts out again while the help desk takes its time: closing its requests must not wait
            // for the help desk (it would hold up every change's dispatch on PostgreSQL).
            AtomicReference<Object> closedWhilePosting = new AtomicReference<>();
            whilePosting = () -> closedWhilePosting.set(
                    elsewhere(() -> f.requests.closeOpenFor(contactId(1), "opted out again")));

            routes.send("direct:resubscribe-tickets", null);

            assertThat(closedWhilePosting).hasValue(1);
            assertThat(received).hasSize(1);
            assertThat(f.requests.find(id).orElseThrow()).satisfies(r -> {
                assertThat(r.isOpen()).isFalse();
                assertThat(r.ticketReference()).as("the help desk has it").isEqualTo("RSR-" + id);
            });
        }
    }

    @Test
    void aTicketBeingPostedIsNotClaimedBySomeoneElse() throws Exception {
        try (FlowRoutes routes = routes()) {
            long id = openUrgentRequest();
            CountDownLatch posting = new CountDownLatch(1);
            CountDownLatch answer = new CountDownLatch(1);
            whilePosting = () -> {
                posting.countDown();
                try {
                    // Longer than elsewhere() waits: a claim blocked by this send must time out, not see it end.
                    answer.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            try {
                CompletableFuture<Object> sending = CompletableFuture.supplyAsync(
                        () -> routes.send("direct:resubscribe-tickets", null));
                await().atMost(Duration.ofSeconds(10)).until(() -> posting.getCount() == 0);

                assertThat(elsewhere(() -> f.tickets.claim(id))).as("another node's claim").isNull();
                routes.send("direct:resubscribe-tickets", null);

                answer.countDown();
                sending.get(10, TimeUnit.SECONDS);
            } finally {
                answer.countDown();
            }
            assertThat(received).hasSize(1);
            assertThat(f.requests.unsentTickets()).isEmpty();
        }
    }
}
