package edu.cu.ecomm.optout.optin;

import java.nio.charset.StandardCharsets;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Help-desk tickets for urgent re-subscribe requests: one JSON document per request, category
 * "Marketing Cloud > Resubscribe Contact". The reference ({@code RSR-<request id>}) and the file name derive
 * from the request, so sending a ticket again after a crash overwrites the same file (or carries the same
 * {@code Idempotency-Key} to a help-desk API) instead of making a second ticket.
 */
@Component("resubscribeTickets")
public class ResubscribeTickets {

    /** A claimed ticket, ready to send. */
    public record Ticket(long requestId, String reference, String fileName, byte[] json) {
    }

    private final ResubscribeRequests requests;
    private final String category;
    private final ObjectMapper mapper = new ObjectMapper();

    public ResubscribeTickets(ResubscribeRequests requests,
                              @Value("${optout.tickets.category:Marketing Cloud > Resubscribe Contact}") String category) {
        this.requests = requests;
        this.category = category;
    }

    public static String reference(long requestId) {
        return "RSR-" + requestId;
    }

    /**
     * Claims the ticket of an urgent request (call inside the transaction that sends it).
     *
     * @return the ticket, or null when it is not urgent, closed, unknown, or already sent
     */
    public Ticket claim(long requestId) {
        return requests.claimTicket(requestId, reference(requestId)).map(this::ticket).orElse(null);
    }

    Ticket ticket(ResubscribeRequest request) {
        String reference = reference(request.id());
        return new Ticket(request.id(), reference, "resubscribe-" + reference + ".json", json(request, reference));
    }

    byte[] json(ResubscribeRequest r, String reference) {
        ObjectNode ticket = mapper.createObjectNode();
        ticket.put("reference", reference);
        ticket.put("category", category);
        ticket.put("subject", "Re-subscribe " + (r.contactName() != null ? r.contactName() : r.contactId())
                + " in " + r.unitName());
        ticket.put("requestId", r.id());
        ticket.put("contactId", r.contactId());
        ticket.put("contactName", r.contactName());
        ticket.put("email", r.contactEmail());
        ticket.put("businessUnit", r.unitName());
        ticket.put("mid", r.mid());
        ticket.put("status", r.statusFound());
        ticket.put("colour", r.colour().name());
        ticket.put("urgentReason", r.urgentReason());
        ticket.put("opened", r.openedAt().toString());
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(ticket).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
