package edu.cu.ecomm.optout.optin;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

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
 *
 * <p>A ticket is claimed for {@code optout.tickets.claim-lease}, sent outside any transaction, then marked sent: no
 * row lock is held while the help desk answers. A crash between the send and the mark sends it again once the claim
 * has run out, which the deterministic reference makes harmless.
 */
@Component("resubscribeTickets")
public class ResubscribeTickets {

    /** A claimed ticket, ready to send; the claim holds until {@code claimedUntil}. */
    public record Ticket(long requestId, String reference, String fileName, byte[] json, Instant claimedUntil) {
    }

    private final ResubscribeRequests requests;
    private final String category;
    private final Duration claimLease;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper();

    public ResubscribeTickets(ResubscribeRequests requests,
                              @Value("${optout.tickets.category:Marketing Cloud > Resubscribe Contact}") String category,
                              @Value("${optout.tickets.claim-lease:PT15M}") Duration claimLease, Clock clock) {
        this.requests = requests;
        this.category = category;
        this.claimLease = claimLease;
        this.clock = clock;
    }

    public static String reference(long requestId) {
        return "RSR-" + requestId;
    }

    /**
     * Claims the ticket of an urgent request for the claim lease (not inside a transaction: the claim must be
     * visible to other senders at once, and no lock may be held while the ticket is sent).
     *
     * @return the ticket, or null when it is not urgent, closed, unknown, already sent or claimed by another sender
     */
    public Ticket claim(long requestId) {
        // Whole milliseconds, so that release finds the stored value again whatever the database's precision.
        Instant until = clock.instant().plus(claimLease).truncatedTo(ChronoUnit.MILLIS);
        return requests.claimTicket(requestId, until).map(r -> ticket(r, until)).orElse(null);
    }

    /** Records a ticket as sent, once the help desk took it. */
    public void sent(Ticket ticket) {
        requests.markTicketSent(ticket.requestId(), ticket.reference());
    }

    /** Gives up the claim of a ticket that could not be sent (no-op once sent), so that the retry sends it. */
    public void release(Ticket ticket) {
        requests.releaseTicket(ticket.requestId(), ticket.claimedUntil());
    }

    Ticket ticket(ResubscribeRequest request, Instant claimedUntil) {
        String reference = reference(request.id());
        return new Ticket(request.id(), reference, "resubscribe-" + reference + ".json", json(request, reference),
                claimedUntil);
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
