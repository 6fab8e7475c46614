package edu.cu.ecomm.optout.optin;

import static edu.cu.ecomm.optout.optin.FlowsFixture.DENVER;
import static edu.cu.ecomm.optout.optin.FlowsFixture.contactId;
import static edu.cu.ecomm.optout.optin.OptInOutcomesTest.contact;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ResubscribeTicketsTest {

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

        assertThat(f.tickets.claim(id)).isNotNull();
        assertThat(f.tickets.claim(id)).isNull();

        assertThat(f.requests.find(id).orElseThrow().ticketReference()).isEqualTo("RSR-" + id);
        assertThat(f.requests.find(id).orElseThrow().ticketSentAt()).isEqualTo(f.clock.instant());
        assertThat(f.requests.unsentTickets()).isEmpty();
    }

    @Test
    void aClaimRolledBackWithAFailedSendLeavesTheTicketToSend() {
        long id = openRequest(1, true);

        f.transaction.executeWithoutResult(tx -> {
            assertThat(f.tickets.claim(id)).isNotNull();
            tx.setRollbackOnly();
        });

        assertThat(f.requests.unsentTickets()).containsExactly(id);
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
}
