package edu.cu.ecomm.optout.optin;

import static edu.cu.ecomm.optout.optin.FlowsFixture.DENVER;
import static edu.cu.ecomm.optout.optin.FlowsFixture.contactId;
import static edu.cu.ecomm.optout.optin.OptInOutcomesTest.contact;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

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

    @Test
    void anUrgentRequestIsPostedOnceAsJsonAndRetriedWhileTheHelpDeskIsDown() throws Exception {
        FlowsFixture f = new FlowsFixture();
        String endpoint = "http://127.0.0.1:" + helpDesk.getAddress().getPort() + "/api/v1/tickets"
                + "?httpMethod=POST&authMethod=Basic&authenticationPreemptive=true&authUsername=optout-sync"
                + "&authPassword=RAW(s3cret+/=)";
        try (FlowRoutes routes = new FlowRoutes(f, outbox, Map.of("optout.tickets.endpoint", endpoint),
                "resubscribe-weekly.camel.yaml")) {
            routes.advice("resubscribe-weekly", a -> a.replaceFromWith("direct:weekly-trigger")).start();
            f.requests.open(null, contact(contactId(1), true),
                    new UnitStatus(f.units.unit(DENVER), "Held", ShirtColour.GRAY, null));
            long id = f.requests.forContact(contactId(1)).get(0).id();
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
}
