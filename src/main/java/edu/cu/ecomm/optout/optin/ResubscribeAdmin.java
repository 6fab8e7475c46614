package edu.cu.ecomm.optout.optin;

import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import edu.cu.ecomm.optout.ledger.DeadLetterReplayer;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;

/**
 * What an admin does with re-subscribe requests: escalate one (it becomes urgent and its ticket is sent at
 * once), close one (it leaves the sheet), export the sheet now; {@code ops.ResubscribeMBean} offers it over
 * JMX. Also replays the dead letter of a sheet that could not be sent ({@link ResubscribeSheet#notSent}) by
 * exporting again.
 */
@Component("resubscribeAdmin")
public class ResubscribeAdmin implements DeadLetterReplayer {

    private static final Logger LOG = LoggerFactory.getLogger(ResubscribeAdmin.class);
    static final String SEND_TICKETS = "direct:resubscribe-tickets";
    static final String EXPORT = "direct:resubscribe-export";

    private final ResubscribeRequests requests;
    private final ProducerTemplate producer;

    public ResubscribeAdmin(ResubscribeRequests requests, ProducerTemplate producer) {
        this.requests = requests;
        this.producer = producer;
    }

    /**
     * Makes an open request urgent and sends its ticket. If the ticket endpoint fails, the request stays
     * urgent and the ticket retry route sends it later.
     *
     * @return false when the request is unknown, closed or already urgent
     */
    public boolean escalate(long requestId) {
        if (!requests.escalate(requestId)) {
            return false;
        }
        LOG.info("Re-subscribe request {} escalated by an admin", requestId);
        try {
            producer.sendBody(SEND_TICKETS, null);
        } catch (RuntimeException e) {
            LOG.warn("Ticket for escalated request {} not sent yet; the retry will send it: {}", requestId,
                    e.getMessage());
        }
        return true;
    }

    /** Closes an open request; false when it is unknown or already closed. */
    public boolean close(long requestId, String reason) {
        String why = reason == null || reason.isBlank() ? "no reason given" : reason.trim();
        boolean closed = requests.close(requestId, "Closed by admin: " + why);
        if (closed) {
            LOG.info("Re-subscribe request {} closed by an admin: {}", requestId, why);
        }
        return closed;
    }

    /**
     * Re-checks the open requests and exports the sheet now, outside the weekly schedule; waits for the route's
     * retries when the endpoint fails, then throws.
     */
    public void exportNow() {
        producer.sendBody(EXPORT, null);
    }

    @Override
    public boolean handles(DeadLetter letter) {
        return ResubscribeSheet.ROUTE_ID.equals(letter.routeId());
    }

    /** A new sheet, not the one that failed: it lists every request still open and every warning not yet sent. */
    @Override
    public String replay(DeadLetter letter) {
        exportNow();
        return "Re-subscribe sheet exported again";
    }
}
