package edu.cu.ecomm.optout.optin;

import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What an admin does with re-subscribe requests: escalate one (it becomes urgent and its ticket is sent at
 * once), close one (it leaves the sheet), export the sheet now. Meant to be exposed over JMX.
 */
@Component("resubscribeAdmin")
public class ResubscribeAdmin {

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

    /** Re-checks the open requests and exports the sheet now, outside the weekly schedule. */
    public void exportNow() {
        producer.sendBody(EXPORT, null);
    }
}
