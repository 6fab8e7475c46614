package edu.cu.ecomm.optout.ops;

import edu.cu.ecomm.optout.optin.ResubscribeAdmin;
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

    private final LedgerFigures figures;
    private final ResubscribeAdmin admin;

    public ResubscribeMBean(LedgerFigures figures, ResubscribeAdmin admin) {
        this.figures = figures;
        this.admin = admin;
    }

    @ManagedAttribute(description = "Re-subscribe requests open (on the next weekly sheet)")
    public long getOpenRequests() {
        return figures.openResubscribeRequests();
    }

    @ManagedAttribute(description = "Urgent re-subscribe tickets sent to the help desk, all time")
    public long getUrgentTicketsSent() {
        return figures.urgentTicketsSent();
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
