package edu.cu.ecomm.optout.optin;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.commons.lang3.StringUtils;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import edu.cu.ecomm.optout.ledger.DeadLetters;

/**
 * Help-desk tickets for urgent re-subscribe requests: one JSON document per request, category
 * "Marketing Cloud > Resubscribe Contact". The reference ({@code RSR-<request id>}) and the file name derive
 * from the request, so sending a ticket again after a crash overwrites the same file (or carries the same
 * {@code Idempotency-Key} to a help-desk API) instead of making a second ticket.
 *
 * <p>A ticket is claimed for {@code optout.tickets.claim-lease}, sent outside any transaction, then marked sent: no
 * row lock is held while the help desk answers. A crash between the send and the mark sends it again once the claim
 * has run out, which the deterministic reference makes harmless.
 *
 * <p>A send that failed is counted on the request with its error ({@link #notSent}). After
 * {@code optout.tickets.attempts} attempts, or at once when the help desk refused the ticket itself, the ticket becomes
 * a {@code resubscribe-ticket} dead letter: the retry leaves it alone and the letter's replay
 * ({@link ResubscribeTicketReplay}) sends it.
 */
@Component("resubscribeTickets")
public class ResubscribeTickets {

    /** A claimed ticket, ready to send; the claim holds until {@code claimedUntil}. */
    public record Ticket(long requestId, String reference, String fileName, byte[] json, Instant claimedUntil) {
    }

    /** The route whose dead letters are tickets the help desk did not take. */
    public static final String ROUTE_ID = "resubscribe-ticket";

    private static final Logger LOG = LoggerFactory.getLogger(ResubscribeTickets.class);

    private final ResubscribeRequests requests;
    private final DeadLetters deadLetters;
    private final TransactionTemplate transaction;
    private final String category;
    private final Duration claimLease;
    private final int maxAttempts;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper();

    public ResubscribeTickets(ResubscribeRequests requests, DeadLetters deadLetters, TransactionTemplate transaction,
                              @Value("${optout.tickets.category:Marketing Cloud > Resubscribe Contact}") String category,
                              @Value("${optout.tickets.claim-lease:PT15M}") Duration claimLease,
                              @Value("${optout.tickets.attempts:12}") int maxAttempts, Clock clock) {
        this.requests = requests;
        this.deadLetters = deadLetters;
        this.transaction = transaction;
        this.category = category;
        this.claimLease = claimLease;
        this.maxAttempts = maxAttempts;
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

    /**
     * Records a send of the ticket of request {@code requestId} that failed: counts the attempt and keeps the error,
     * which the Resubscribe MBean shows. After {@code optout.tickets.attempts} attempts, or at once when the help desk
     * refused the ticket (an HTTP 4xx other than 408 and 429: a rotated password, a ticket it will not take, which no
     * retry mends), the ticket becomes a dead letter, once: a replay that fails again only counts the attempt. Never
     * throws: a failure it cannot record (the database away) leaves the ticket to the retry, as before.
     */
    public void notSent(long requestId, Exception error) {
        String reference = reference(requestId);
        String why = why(error);
        try {
            transaction.executeWithoutResult(tx -> {
                Instant now = clock.instant();
                int attempts = requests.ticketNotSent(requestId, why, now);
                if (attempts == 0) {
                    return;
                }
                boolean refused = refusedByHelpDesk(error);
                if ((refused || attempts >= maxAttempts) && requests.deadLetterTicket(requestId, now)) {
                    ResubscribeRequest request = requests.find(requestId).orElseThrow();
                    deadLetters.record(ROUTE_ID, "Help-desk ticket " + reference + " (urgent re-subscribe of contact "
                                    + request.contactId() + " in " + request.unitName() + ") not sent"
                                    + (refused ? ", refused by the help desk," : "") + " after " + attempts
                                    + " attempt(s): " + why + ". The retry leaves it; replay this letter once the"
                                    + " cause is fixed (it sends the ticket), or close the request and discard it",
                            PAYLOAD + requestId, null, null, request.contactId());
                    LOG.error("Ticket {} not sent after {} attempt(s), now a dead letter (the retry leaves it): {}",
                            reference, attempts, why);
                } else if (requests.isTicketDeadLettered(requestId)) {
                    LOG.warn("Ticket {} not sent by the replay of its dead letter (attempt {}), the letter stays open: {}",
                            reference, attempts, why);
                } else {
                    LOG.warn("Ticket {} not sent (attempt {} of {}), will retry: {}", reference, attempts, maxAttempts,
                            why);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("Ticket {} not sent, will retry ({}); the failure could not be recorded: {}", reference, why,
                    e.toString());
        }
    }

    /** The payload of a ticket's dead letter: {@code resubscribe_request <request id>}. */
    static final String PAYLOAD = "resubscribe_request ";

    /** A help desk that answered 4xx refused the ticket itself, except for a timeout (408) and "slow down" (429). */
    static boolean refusedByHelpDesk(Throwable error) {
        HttpOperationFailedException http = ExceptionUtils.throwableOfType(error, HttpOperationFailedException.class);
        return http != null && http.getStatusCode() >= 400 && http.getStatusCode() < 500
                && http.getStatusCode() != 408 && http.getStatusCode() != 429;
    }

    /**
     * What went wrong, for the operator: the help desk's status and answer, else the root cause. Not the exception's
     * message, which may carry the endpoint (with credentials in its query).
     */
    static String why(Throwable error) {
        HttpOperationFailedException http = ExceptionUtils.throwableOfType(error, HttpOperationFailedException.class);
        if (http != null) {
            String answer = StringUtils.normalizeSpace(http.getResponseBody());
            return "HTTP " + http.getStatusCode() + (StringUtils.isBlank(http.getStatusText()) ? "" : " "
                    + http.getStatusText()) + (StringUtils.isBlank(answer) ? "" : ": " + StringUtils.abbreviate(answer, 500));
        }
        Throwable root = ExceptionUtils.getRootCause(error);
        return root == null ? "unknown" : root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + root.getMessage());
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
