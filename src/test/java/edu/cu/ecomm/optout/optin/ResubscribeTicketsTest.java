package edu.cu.ecomm.optout.optin;

import static edu.cu.ecomm.optout.optin.FlowsFixture.DENVER;
import static edu.cu.ecomm.optout.optin.FlowsFixture.contactId;
import static edu.cu.ecomm.optout.optin.OptInOutcomesTest.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import edu.cu.ecomm.optout.ledger.DeadLetterService;

class ResubscribeTicketsTest {

    @AutoClose
    private final FlowsFixture f = new FlowsFixture();

    private long openRequest(int n, boolean urgent) {
        f.requests.open(null, contact(contactId(n), urgent),
                new UnitStatus(f.units.unit(DENVER), "Bounced", ShirtColour.YELLOW, null));
        return f.requests.forContact(contactId(n)).get(0).id();
    }

    @Test
    void anUrgentRequestBecomesOneJsonTicketInTheResubscribeCategory() throws Exception {
        long id = openRequest(1, true);

        ResubscribeTickets.Ticket ticket = f.tickets.claim(id);

        assertThat(ticket.reference()).isEqualTo("RSR-" + id);
        assertThat(ticket.fileName()).isEqualTo("resubscribe-RSR-" + id + ".json");
        JsonNode json = new ObjectMapper().readTree(new String(ticket.json(), StandardCharsets.UTF_8));
        assertThat(json.path("category").asText()).isEqualTo("Marketing Cloud > Resubscribe Contact");
        assertThat(json.path("contactId").asText()).isEqualTo(contactId(1));
        assertThat(json.path("contactName").asText()).isEqualTo("Ada Lovelace");
        assertThat(json.path("email").asText()).isEqualTo("ada@example.edu");
        assertThat(json.path("businessUnit").asText()).isEqualTo("CU Denver");
        assertThat(json.path("mid").asLong()).isEqualTo(DENVER);
        assertThat(json.path("status").asText()).isEqualTo("Bounced");
        assertThat(json.path("colour").asText()).isEqualTo("YELLOW");
        assertThat(json.path("opened").asText()).isEqualTo("2026-11-23T14:00:00Z");
        assertThat(json.path("urgentReason").asText()).isEqualTo("CONTACT_FIELD");
    }

    @Test
    void aTicketIsClaimedOnceAndRecordedAsSent() {
        long id = openRequest(1, true);

        ResubscribeTickets.Ticket ticket = f.tickets.claim(id);
        assertThat(ticket).isNotNull();
        assertThat(f.tickets.claim(id)).as("claimed by the first sender").isNull();
        f.tickets.sent(ticket);
        f.tickets.release(ticket);

        assertThat(f.requests.find(id).orElseThrow().ticketReference()).isEqualTo("RSR-" + id);
        assertThat(f.requests.find(id).orElseThrow().ticketSentAt()).isEqualTo(f.clock.instant());
        assertThat(f.requests.unsentTickets()).isEmpty();
        f.clock.advance(Duration.ofHours(1));
        assertThat(f.tickets.claim(id)).as("sent, long after the claim").isNull();
    }

    @Test
    void aTicketWhoseSendFailedIsReleasedForTheRetryAtOnce() {
        long id = openRequest(1, true);

        f.tickets.release(f.tickets.claim(id));

        assertThat(f.requests.unsentTickets()).containsExactly(id);
        assertThat(f.tickets.claim(id)).isNotNull();
    }

    @Test
    void aTicketWhoseSenderDiedIsClaimedAgainWithTheSameReferenceOnceTheClaimRunsOut() {
        long id = openRequest(1, true);
        ResubscribeTickets.Ticket first = f.tickets.claim(id);

        f.clock.advance(Duration.ofMinutes(15).minusSeconds(1));
        assertThat(f.tickets.claim(id)).as("the claim still holds").isNull();
        f.clock.advance(Duration.ofSeconds(1));
        ResubscribeTickets.Ticket again = f.tickets.claim(id);

        assertThat(again).isNotNull();
        assertThat(again.reference()).isEqualTo(first.reference());
        assertThat(again.fileName()).isEqualTo(first.fileName());
    }

    @Test
    void aLateReleaseByASenderWhoseClaimRanOutLeavesTheNewClaimInPlace() {
        long id = openRequest(1, true);
        ResubscribeTickets.Ticket slow = f.tickets.claim(id);
        f.clock.advance(Duration.ofMinutes(20));
        assertThat(f.tickets.claim(id)).isNotNull();

        f.tickets.release(slow);

        assertThat(f.tickets.claim(id)).as("still claimed by the second sender").isNull();
    }

    @Test
    void aTicketSentWhileItsRequestWasClosedIsRecordedAsSent() {
        long id = openRequest(1, true);
        ResubscribeTickets.Ticket ticket = f.tickets.claim(id);

        f.requests.closeOpenFor(contactId(1), "opted out again");
        f.tickets.sent(ticket);

        assertThat(f.requests.find(id).orElseThrow().ticketReference()).as("the help desk has it").isEqualTo("RSR-" + id);
    }

    @Test
    void aRequestThatIsNotUrgentHasNoTicketUntilEscalated() {
        long id = openRequest(1, false);

        assertThat(f.requests.unsentTickets()).isEmpty();
        assertThat(f.tickets.claim(id)).isNull();

        assertThat(f.requests.escalate(id)).isTrue();
        assertThat(f.requests.escalate(id)).isFalse();
        assertThat(f.requests.unsentTickets()).containsExactly(id);
        assertThat(f.tickets.claim(id)).isNotNull();
        assertThat(f.requests.find(id).orElseThrow().urgentReason()).isEqualTo("ESCALATED");
    }

    @Test
    void aClosedRequestGetsNoTicket() {
        long id = openRequest(1, true);
        f.requests.close(id, "handled by phone");

        assertThat(f.requests.unsentTickets()).isEmpty();
        assertThat(f.tickets.claim(id)).isNull();
    }

    private static HttpOperationFailedException helpDeskAnswered(int status) {
        return new HttpOperationFailedException("https://helpdesk.example.edu/api/v1/tickets?authPassword=RAW(s3cret)",
                status, "Status " + status, null, Map.of(), "{\"error\":\"no\"}");
    }

    @Test
    void onlyAHelpDeskRefusingTheTicketItselfIsTakenAsARefusal() {
        assertThat(List.of(400, 401, 403, 404, 422)).allSatisfy(status -> assertThat(ResubscribeTickets.refusedByHelpDesk(
                new CamelExecutionException("send failed", null, helpDeskAnswered(status)))).as("%d", status).isTrue());
        assertThat(List.of(408, 429, 500, 502, 503)).allSatisfy(status -> assertThat(ResubscribeTickets.refusedByHelpDesk(
                helpDeskAnswered(status))).as("%d", status).isFalse());
        assertThat(ResubscribeTickets.refusedByHelpDesk(new IOException("Connection refused"))).isFalse();
        assertThat(ResubscribeTickets.why(helpDeskAnswered(401))).isEqualTo("HTTP 401 Status 401: {\"error\":\"no\"}")
                .as("the endpoint, which holds the password, is left out").doesNotContain("s3cret");
    }

    @Test
    void aTicketThatCannotBeSentIsCountedAndBecomesOneDeadLetterOnlyAfterTheAttempts() {
        long id = openRequest(1, true);

        for (int attempt = 1; attempt < FlowsFixture.TICKET_ATTEMPTS; attempt++) {
            f.tickets.notSent(id, new IOException("Connection refused"));
            assertThat(f.deadLetters.open()).as("after attempt %d", attempt).isEmpty();
            assertThat(f.requests.unsentTickets()).containsExactly(id);
        }
        f.tickets.notSent(id, new IOException("Connection refused"));
        f.tickets.notSent(id, new IOException("Connection refused"));

        assertThat(f.deadLetters.open()).as("one letter, however often it fails").singleElement()
                .satisfies(letter -> assertThat(letter.payload()).isEqualTo("resubscribe_request " + id));
        assertThat(f.requests.unsentTickets()).as("left to the letter's replay").isEmpty();
        assertThat(f.requests.unsentTicketDetails(10)).singleElement().satisfies(t -> {
            assertThat(t.attempts()).isEqualTo(FlowsFixture.TICKET_ATTEMPTS + 1);
            assertThat(t.error()).isEqualTo("IOException: Connection refused");
            assertThat(t.failedAt()).isEqualTo(f.clock.instant());
            assertThat(t.deadLettered()).isTrue();
        });
    }

    @Test
    void theDeadLetterOfATicketWhoseRequestWasClosedIsNotResolvedByReplayingIt() {
        long id = openRequest(1, true);
        f.tickets.notSent(id, helpDeskAnswered(401));
        f.requests.closeOpenFor(contactId(1), "opted out again");
        ProducerTemplate producer = mock(ProducerTemplate.class);
        DeadLetterService service = new DeadLetterService(f.deadLetters,
                List.of(new ResubscribeTicketReplay(f.requests, f.tickets, producer)));

        DeadLetterService.Outcome outcome = service.replay(f.deadLetters.open().get(0).id());

        assertThat(outcome.resolved()).isFalse();
        assertThat(outcome.message()).contains("closed (opted out again)").contains("discard this letter");
        verifyNoInteractions(producer);
    }
}
