package edu.cu.ecomm.optout.optin;

import java.util.Optional;

import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

import edu.cu.ecomm.optout.ledger.DeadLetterReplayer;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;

/**
 * Replays the dead letter of an urgent ticket the help desk did not take ({@link ResubscribeTickets#notSent}): sends
 * the ticket now through the route {@code resubscribe-ticket}, claimed as any send is. The letter is resolved only
 * once the ticket is recorded as sent; a send that fails again is counted on the request and the letter stays open.
 */
@Component("resubscribeTicketReplay")
public class ResubscribeTicketReplay implements DeadLetterReplayer {

    static final String SEND_TICKET = "direct:resubscribe-ticket";

    private final ResubscribeRequests requests;
    private final ResubscribeTickets tickets;
    private final ProducerTemplate producer;

    public ResubscribeTicketReplay(ResubscribeRequests requests, ResubscribeTickets tickets,
                                   ProducerTemplate producer) {
        this.requests = requests;
        this.tickets = tickets;
        this.producer = producer;
    }

    @Override
    public boolean handles(DeadLetter letter) {
        return ResubscribeTickets.ROUTE_ID.equals(letter.routeId()) && requestOf(letter).isPresent();
    }

    /**
     * Sends the ticket.
     *
     * @throws IllegalStateException when it was not sent: the help desk failed again, the request was closed meanwhile
     *                               (no ticket is needed; discard the letter), or another node is sending it now
     */
    @Override
    public String replay(DeadLetter letter) {
        long requestId = requestOf(letter).orElseThrow();
        String reference = ResubscribeTickets.reference(requestId);
        ResubscribeRequest request = requests.find(requestId).orElseThrow(
                () -> new IllegalStateException("no re-subscribe request " + requestId));
        if (request.ticketSentAt() != null) {
            // A replay whose send went through but whose letter was not marked (the process stopped in between).
            return "ticket " + reference + " had already been sent, at " + request.ticketSentAt();
        }
        if (!request.isOpen()) {
            throw new IllegalStateException("re-subscribe request " + requestId + " was closed (" + request.closeReason()
                    + ") before its ticket was sent: no ticket is needed; discard this letter");
        }
        try {
            producer.requestBody(SEND_TICKET, requestId);
        } catch (RuntimeException e) {
            tickets.notSent(requestId, e);
            throw new IllegalStateException("ticket " + reference + " not sent: " + ResubscribeTickets.why(e), e);
        }
        if (requests.find(requestId).map(ResubscribeRequest::ticketSentAt).isEmpty()) {
            throw new IllegalStateException("ticket " + reference + " is being sent by another node (or its request"
                    + " was closed just now); look at the request, then replay again");
        }
        return "ticket " + reference + " sent to the help desk";
    }

    /** The request a letter names ({@code resubscribe_request <id>}), if it names one. */
    private static Optional<Long> requestOf(DeadLetter letter) {
        String payload = letter.payload();
        if (payload == null || !payload.matches(ResubscribeTickets.PAYLOAD + "\\d+")) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(payload.substring(ResubscribeTickets.PAYLOAD.length())));
    }
}
