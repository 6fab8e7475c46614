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

import edu.cu.ecomm.optout.ledger.DeadLetterService;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import edu.cu.ecomm.optout.ops.LedgerFigures;
import edu.cu.ecomm.optout.ops.ResubscribeMBean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

/**
 * Tickets posted to a help-desk API over HTTP instead of written to a folder, by configuration only
 * ({@code optout.tickets.endpoint}), against a local HTTP server standing in for the help desk.
 */
class HelpDeskTicketTest {

    private static final int ATTEMPTS = FlowsFixture.TICKET_ATTEMPTS;

    record Received(String method, String path, String contentType, String idempotencyKey, String authorization,
                    String body) {
    }

    @TempDir
    Path outbox;

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failures = new AtomicInteger();
    /** Every POST with credentials, taken or not. */
    private final AtomicInteger posts = new AtomicInteger();
    /** When set, the help desk refuses every ticket with this status (a 4xx: the ticket or the client is wrong). */
    private volatile Integer refusal;
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
                posts.incrementAndGet();
                Integer refused = refusal;
                if (refused != null) {
                    byte[] why = "{\"error\":\"unknown category\"}".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(refused, why.length);
                    exchange.getResponseBody().write(why);
                    exchange.close();
                    return;
                }
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

    @AutoClose
    private final FlowsFixture f = new FlowsFixture();

    private FlowRoutes routes() throws Exception {
        String endpoint = "http://127.0.0.1:" + helpDesk.getAddress().getPort() + "/api/v1/tickets"
                + "?httpMethod=POST&authMethod=Basic&authenticationPreemptive=true&authUsername=optout-sync"
                + "&authPassword=RAW(s3cret+/=)";
        FlowRoutes routes = new FlowRoutes(f, outbox, Map.of("optout.tickets.endpoint", endpoint),
                "resubscribe-weekly.camel.yaml");
        return routes.advice("resubscribe-weekly", a -> a.replaceFromWith("direct:weekly-trigger")).start();
    }

    /** The Resubscribe MBean an operator reads, over the fixture's database. */
    private ResubscribeMBean jmx(FlowRoutes routes) {
        return new ResubscribeMBean(new LedgerFigures(f.jdbc, f.clock, new ReplayCheckpoints(f.jdbc, f.clock),
                "/data/ContactChangeEvent"), new ResubscribeAdmin(f.requests, routes.context.createProducerTemplate()),
                f.requests);
    }

    /** The DeadLetters MBean's replay, with the tickets' replayer. */
    private DeadLetterService deadLetterService(FlowRoutes routes) {
        return new DeadLetterService(f.deadLetters, List.of(new ResubscribeTicketReplay(f.requests, f.tickets,
                routes.context.createProducerTemplate())));
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

    @Test
    void aTicketTheHelpDeskKeepsFailingIsShownOnJmxThenBecomesADeadLetterAfterTheAttemptsWhoseReplaySendsIt()
            throws Exception {
        try (FlowRoutes routes = routes()) {
            ResubscribeMBean jmx = jmx(routes);
            long id = openUrgentRequest();
            failures.set(Integer.MAX_VALUE);

            for (int attempt = 1; attempt < ATTEMPTS; attempt++) {
                routes.send("direct:resubscribe-tickets", null);
                assertThat(f.deadLetters.open()).as("after attempt %d", attempt).isEmpty();
                assertThat(jmx.getUrgentTicketsNotSent()).singleElement().asString().startsWith("RSR-" + id + " | ")
                        .contains(" | " + attempt + " attempt(s) | ").contains(" | retried | HTTP 500");
            }
            assertThat(jmx.getUrgentTicketsWaiting()).isEqualTo(1);
            assertThat(jmx.getUrgentTicketsFailing()).isEqualTo(1);
            assertThat(jmx.getUrgentTicketsDeadLettered()).isZero();
            routes.send("direct:resubscribe-tickets", null);

            DeadLetter letter = f.deadLetters.open().get(0);
            assertThat(f.deadLetters.open()).singleElement().satisfies(l -> {
                assertThat(l.routeId()).isEqualTo("resubscribe-ticket");
                assertThat(l.reason()).contains("RSR-" + id).contains(ATTEMPTS + " attempt(s)").contains("HTTP 500")
                        .doesNotContain("s3cret");
                assertThat(l.contactId()).isEqualTo(contactId(1));
            });
            assertThat(jmx.getUrgentTicketsDeadLettered()).isEqualTo(1);
            assertThat(jmx.getUrgentTicketsNotSent()).singleElement().asString()
                    .contains(" | " + ATTEMPTS + " attempt(s) | ").contains(" | dead letter | HTTP 500");
            int posted = posts.get();
            routes.send("direct:resubscribe-tickets", null);
            assertThat(posts).as("left to the letter's replay").hasValue(posted);
            assertThat(f.requests.unsentTickets()).isEmpty();

            failures.set(0);
            DeadLetterService.Outcome replayed = deadLetterService(routes).replay(letter.id());

            assertThat(replayed.resolved()).as(replayed.message()).isTrue();
            assertThat(received).singleElement().satisfies(r -> assertThat(r.idempotencyKey()).isEqualTo("RSR-" + id));
            assertThat(f.requests.find(id).orElseThrow().ticketReference()).isEqualTo("RSR-" + id);
            assertThat(jmx.getUrgentTicketsWaiting()).isZero();
            assertThat(jmx.getUrgentTicketsNotSent()).isEmpty();
        }
    }

    @Test
    void aTicketTheHelpDeskRefusesWith400IsADeadLetterAtOnceResolvedOnlyByAReplayThatSendsIt() throws Exception {
        try (FlowRoutes routes = routes()) {
            ResubscribeMBean jmx = jmx(routes);
            long id = openUrgentRequest();
            refusal = 400;

            routes.send("direct:resubscribe-tickets", null);

            assertThat(posts).hasValue(1);
            DeadLetter letter = f.deadLetters.open().get(0);
            assertThat(f.deadLetters.open()).singleElement().satisfies(l -> {
                assertThat(l.routeId()).isEqualTo("resubscribe-ticket");
                assertThat(l.reason()).contains("RSR-" + id).contains("refused by the help desk")
                        .contains("HTTP 400").contains("unknown category").doesNotContain("s3cret");
            });
            assertThat(jmx.getUrgentTicketsNotSent()).singleElement().asString()
                    .contains(" | 1 attempt(s) | ").contains(" | dead letter | HTTP 400").contains("unknown category");

            DeadLetterService.Outcome stillRefused = deadLetterService(routes).replay(letter.id());
            assertThat(stillRefused.resolved()).isFalse();
            assertThat(stillRefused.message()).contains("HTTP 400");
            assertThat(f.deadLetters.find(letter.id()).orElseThrow().state()).isEqualTo("OPEN");
            assertThat(f.deadLetters.open()).as("no second letter").hasSize(1);
            assertThat(jmx.getUrgentTicketsNotSent()).singleElement().asString().contains(" | 2 attempt(s) | ");

            refusal = null;
            DeadLetterService.Outcome sent = deadLetterService(routes).replay(letter.id());
            assertThat(sent.resolved()).as(sent.message()).isTrue();
            assertThat(sent.message()).isEqualTo("ticket RSR-" + id + " sent to the help desk");
            assertThat(received).hasSize(1);
            assertThat(f.deadLetters.open()).isEmpty();
        }
    }

    @Test
    void aHelpDeskAskingToSlowDownWith429IsRetriedNotDeadLettered() throws Exception {
        try (FlowRoutes routes = routes()) {
            openUrgentRequest();
            refusal = 429;

            routes.send("direct:resubscribe-tickets", null);
            assertThat(f.deadLetters.open()).isEmpty();

            refusal = null;
            routes.send("direct:resubscribe-tickets", null);
            assertThat(received).hasSize(1);
            assertThat(f.requests.unsentTickets()).isEmpty();
        }
    }
}
