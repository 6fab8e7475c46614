package edu.cu.ecomm.optout.optin;

import static edu.cu.ecomm.optout.optin.FlowsFixture.BOULDER;
import static edu.cu.ecomm.optout.optin.FlowsFixture.contactId;
import static edu.cu.ecomm.optout.optin.OptInOutcomesTest.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class ResubscribeAdminTest {

    @AutoClose
    private final FlowsFixture f = new FlowsFixture();
    private final ProducerTemplate producer = mock(ProducerTemplate.class);
    private final ResubscribeAdmin admin = new ResubscribeAdmin(f.requests, producer);

    private long openRequest() {
        f.requests.open(null, contact(contactId(1), false),
                new UnitStatus(f.units.unit(BOULDER), "Held", ShirtColour.GRAY, null));
        return f.requests.forContact(contactId(1)).get(0).id();
    }

    @Test
    void escalatingMakesTheRequestUrgentAndSendsTicketsAtOnce() {
        long id = openRequest();

        assertThat(admin.escalate(id)).isTrue();

        assertThat(f.requests.find(id).orElseThrow().urgent()).isTrue();
        verify(producer).sendBody(ResubscribeAdmin.SEND_TICKETS, null);
    }

    @Test
    void escalatingStillCountsWhenTheTicketCannotBeSentYet() {
        long id = openRequest();
        doThrow(new IllegalStateException("help desk down")).when(producer).sendBody(eq(ResubscribeAdmin.SEND_TICKETS), any());

        assertThat(admin.escalate(id)).isTrue();
        assertThat(f.requests.unsentTickets()).containsExactly(id);
    }

    @Test
    void escalatingAnUnknownOrClosedRequestDoesNothing() {
        long id = openRequest();
        admin.close(id, "subscriber re-subscribed by hand");

        assertThat(admin.escalate(id)).isFalse();
        assertThat(admin.escalate(9999)).isFalse();
        verify(producer, never()).sendBody(any(String.class), any());
    }

    @Test
    void closingTakesTheRequestOffTheSheetWithTheReason() {
        long id = openRequest();

        assertThat(admin.close(id, " re-subscribed by hand ")).isTrue();
        assertThat(admin.close(id, "again")).isFalse();

        assertThat(f.requests.open()).isEmpty();
        assertThat(f.requests.find(id).orElseThrow().closeReason()).isEqualTo("Closed by admin: re-subscribed by hand");
    }
}
