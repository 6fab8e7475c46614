package edu.cu.ecomm.optout.ops;

import edu.cu.ecomm.optout.optin.ResubscribeAdmin;
import edu.cu.ecomm.optout.optin.ResubscribeRequests;
import edu.cu.ecomm.optout.optin.ResubscribeTickets;
import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedOperationParameter;
import org.springframework.jmx.export.annotation.ManagedOperationParameters;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.stereotype.Component;

/** JMX: re-subscribe requests, urgent tickets and preference warnings ({@code edu.cu.ecomm.optout:type=Resubscribe}). */
@Component
@ManagedResource(objectName = Jmx.DOMAIN + ":type=Resubscribe",
        description = "Re-subscribe requests (the weekly sheet), urgent help-desk tickets, preference warnings")
public class ResubscribeMBean {

    /** Rows of the unsent-tickets listing. */
    static final int LISTED = 100;

    private final LedgerFigures figures;
    private final ResubscribeAdmin admin;
    private final ResubscribeRequests requests;

    public ResubscribeMBean(LedgerFigures figures, ResubscribeAdmin admin, ResubscribeRequests requests) {
        this.figures = figures;
        this.admin = admin;
        this.requests = requests;
    }

    @ManagedAttribute(description = "Re-subscribe requests open (on the next weekly sheet)")
    public long getOpenRequests() {
        return figures.openResubscribeRequests();
    }

    @ManagedAttribute(description = "Urgent re-subscribe tickets sent to the help desk, all time")
    public long getUrgentTicketsSent() {
        return figures.urgentTicketsSent();
    }

    @ManagedAttribute(description = "Urgent tickets not sent yet: waiting, failing or dead letters (see UrgentTicketsNotSent)")
    public long getUrgentTicketsWaiting() {
        return figures.urgentTicketsWaiting();
    }

    @ManagedAttribute(description = "Urgent tickets the help desk did not take at least once and not sent yet, dead letters included")
    public long getUrgentTicketsFailing() {
        return figures.urgentTicketsFailing();
    }

    @ManagedAttribute(description = "Urgent tickets that are dead letters: no longer retried, sent by replaying the letter (DeadLetters)")
    public long getUrgentTicketsDeadLettered() {
        return figures.urgentTicketsDeadLettered();
    }

    @ManagedAttribute(description = "Urgent tickets not sent yet (first " + LISTED + ", oldest first): reference | contact |"
            + " business unit | attempts | last failed | retried or dead letter | last error")
    public String[] getUrgentTicketsNotSent() {
        return requests.unsentTicketDetails(LISTED).stream().map(t -> ResubscribeTickets.reference(t.requestId())
                + " | " + t.contactId() + " | " + t.unitName() + " | " + t.attempts() + " attempt(s) | "
                + Jmx.time(t.failedAt()) + " | " + (t.deadLettered() ? "dead letter" : "retried") + " | "
                + (t.error() == null ? "" : t.error())).toArray(String[]::new);
    }

    @ManagedAttribute(description = "Preference warnings (categories not cleared on opt-out, none re-ticked on opt-in) not yet on a sheet")
    public long getPreferenceWarnings() {
        return figures.preferenceWarningsUnlisted();
    }

    @ManagedAttribute(description = "Preference warnings found, all time")
    public long getPreferenceWarningsTotal() {
        return figures.preferenceWarnings();
    }

    @ManagedOperation(description = "Re-check the open requests and export the Re-subscribe Request Sheet now")
    public String exportSheetNow() {
        admin.exportNow();
        return "Sheet exported; " + figures.openResubscribeRequests() + " request(s) open";
    }

    @ManagedOperation(description = "Make an open request urgent and send its help-desk ticket now")
    @ManagedOperationParameter(name = "requestId", description = "Request id: the number of RSR-<id> in the sheet's Request column")
    public boolean escalate(long requestId) {
        return admin.escalate(requestId);
    }

    @ManagedOperation(description = "Close an open request; it leaves the sheet")
    @ManagedOperationParameters({
            @ManagedOperationParameter(name = "requestId", description = "Request id: the number of RSR-<id> in the sheet's Request column"),
            @ManagedOperationParameter(name = "reason", description = "Why, for the record")})
    public boolean close(long requestId, String reason) {
        return admin.close(requestId, reason);
    }
}
