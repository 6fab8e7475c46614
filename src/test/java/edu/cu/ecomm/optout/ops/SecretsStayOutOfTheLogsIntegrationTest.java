package edu.cu.ecomm.optout.ops;

import static edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator.BOULDER_MID;
import static edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator.PARENT_MID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.optin.ResubscribeRequests;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import edu.cu.ecomm.optout.support.ServiceIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Everything the service writes to its log while it works with every secret it holds: the Salesforce and
 * Marketing Cloud client secrets (the emulators' local ones, both {@code local-secret}), the access tokens they issue, and the help desk's
 * password inside the ticket endpoint's URI — with the help desk refusing tickets, so that the endpoint's failures
 * are logged too. None of them may appear.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsStayOutOfTheLogsIntegrationTest extends ServiceIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String HELP_DESK_PASSWORD = "hd-" + UUID.randomUUID();
    private static final List<String> AUTHORIZATIONS = new CopyOnWriteArrayList<>();
    private static final HttpServer HELP_DESK = helpDeskThatIsDown();

    @DynamicPropertySource
    static void secrets(DynamicPropertyRegistry registry) {
        registry.add("optout.marketing-cloud.business-units[0].mid", () -> PARENT_MID);
        registry.add("optout.marketing-cloud.business-units[0].name", () -> "CU System");
        registry.add("optout.marketing-cloud.business-units[1].mid", () -> BOULDER_MID);
        registry.add("optout.marketing-cloud.business-units[1].name", () -> "CU Boulder");
        registry.add("optout.optin.poll-interval", () -> "200");
        registry.add("optout.tickets.endpoint", () -> "http://127.0.0.1:" + HELP_DESK.getAddress().getPort()
                + "/api/v1/tickets?httpMethod=POST&authMethod=Basic&authenticationPreemptive=true"
                + "&authUsername=optout-sync&authPassword=RAW(" + HELP_DESK_PASSWORD + ")");
    }

    @Autowired
    SalesforceEmulator salesforce;
    @Autowired
    MarketingCloudEmulator marketingCloud;
    @Autowired
    ResubscribeRequests requests;

    @AfterAll
    static void stopHelpDesk() {
        HELP_DESK.stop(0);
    }

    @Test
    void noSecretTheServiceHoldsOrIsIssuedAppearsInItsLog(CapturedOutput log) {
        SalesforceRestClient specialist = specialistOnceSubscribed();
        String contact = specialist.create(Map.of("LastName", "Urgent", "Email", "u@example.edu",
                "HasOptedOutOfEmail", true));
        marketingCloud.seed(BOULDER_MID, contact, "u@example.edu", "Unsubscribed");

        specialist.update(contact, Map.of("HasOptedOutOfEmail", false, "Urgent_Resubscribe__c", true));

        // The urgent request's ticket went to the help desk with the password, and its refusal was logged.
        await().atMost(PATIENCE).until(() -> !AUTHORIZATIONS.isEmpty()
                && log.getAll().contains("not sent (attempt 1 of "));
        assertThat(requests.forContact(contact)).singleElement().satisfies(r -> assertThat(r.urgent()).isTrue());
        String basicCredentials = Base64.getEncoder().encodeToString(
                ("optout-sync:" + HELP_DESK_PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertThat(AUTHORIZATIONS.get(0)).isEqualTo("Basic " + basicCredentials);

        Set<String> salesforceTokens = salesforce.http().issuedTokens();
        Set<String> marketingCloudTokens = marketingCloud.issuedTokens();
        assertThat(salesforceTokens).as("the service logged in to Salesforce").isNotEmpty();
        assertThat(marketingCloudTokens).as("the service looked subscribers up in Marketing Cloud").isNotEmpty();
        Map<String, Collection<String>> secrets = Map.of(
                "the help desk's password", List.of(HELP_DESK_PASSWORD),
                "the help desk's Basic credentials", List.of(basicCredentials),
                "the client secrets", List.of(MarketingCloudEmulator.LOCAL_CLIENT_SECRET),
                "a Salesforce access token", salesforceTokens,
                "a Marketing Cloud access token", marketingCloudTokens);
        String everything = log.getAll();
        // Named, not shown: a failure must not print the secrets it found.
        assertThat(secrets.entrySet().stream().filter(secret -> secret.getValue().stream().anyMatch(everything::contains))
                .map(Map.Entry::getKey)).as("secrets found in the service's log").isEmpty();
    }

    /** A help desk that takes the request, keeps its Authorization header and answers 503. */
    private static HttpServer helpDeskThatIsDown() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/api/v1/tickets", exchange -> {
                AUTHORIZATIONS.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
