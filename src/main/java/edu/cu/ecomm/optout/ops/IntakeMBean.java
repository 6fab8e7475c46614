package edu.cu.ecomm.optout.ops;

import java.time.Instant;

import edu.cu.ecomm.optout.intake.CatchUps;
import edu.cu.ecomm.optout.intake.GapRequeries;
import edu.cu.ecomm.optout.intake.IntakeRecovery;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints.Checkpoint;
import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedOperationParameter;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.stereotype.Component;

/**
 * JMX: the Salesforce subscription and the intake route ({@code edu.cu.ecomm.optout:type=Intake}), and the re-reads
 * of Salesforce that make up for what the events could not carry (requested catch-ups, gap re-reads).
 */
@Component
@ManagedResource(objectName = Jmx.DOMAIN + ":type=Intake",
        description = "Intake of Salesforce Contact changes: subscription, checkpoint, lag, catch-ups and gap re-reads waiting or failing; pause, resume, catch-up")
public class IntakeMBean {

    private final IntakeControl intake;
    private final LedgerFigures figures;
    private final ChangeLedger ledger;
    private final CatchUpRequests catchUps;
    private final IntakeRecovery recovery;
    private final CatchUps requestedCatchUps;
    private final GapRequeries gapRequeries;

    public IntakeMBean(IntakeControl intake, LedgerFigures figures, ChangeLedger ledger, CatchUpRequests catchUps,
                       IntakeRecovery recovery, CatchUps requestedCatchUps, GapRequeries gapRequeries) {
        this.intake = intake;
        this.figures = figures;
        this.ledger = ledger;
        this.catchUps = catchUps;
        this.recovery = recovery;
        this.requestedCatchUps = requestedCatchUps;
        this.gapRequeries = gapRequeries;
    }

    @ManagedAttribute(description = "Subscription state on this node: route status, connected or not, cluster role")
    public String getSubscriptionState() {
        return intake.routeStatus() + ", " + switch (intake.connection()) {
            case CONNECTED -> "connected";
            case DISCONNECTED -> "not connected";
            case UNKNOWN -> "connection unknown";
        } + ", " + intake.role();
    }

    @ManagedAttribute(description = "Why intake on this node stopped committing and waits to restart from its checkpoint (an event it could neither record nor dead-letter); empty when it is not halted")
    public String getHaltedBecause() {
        return recovery.haltedBecause();
    }

    @ManagedAttribute(description = "Camel status of the intake route contact-changes on this node")
    public String getRouteStatus() {
        return intake.routeStatus();
    }

    @ManagedAttribute(description = "True while this node holds an open Pub/Sub subscription to Salesforce")
    public boolean isConnected() {
        return intake.isConnected();
    }

    @ManagedAttribute(description = "This node's intake role: single (no cluster), leader or standby")
    public String getRole() {
        return intake.role();
    }

    @ManagedAttribute(description = "Salesforce commit time of the newest event recorded (ISO-8601; empty before the first)")
    public String getLastEventCommitTime() {
        return Jmx.time(figures.lastEventCommitTime());
    }

    @ManagedAttribute(description = "Seconds between the newest event's commit in Salesforce and its recording here (-1 before the first)")
    public long getIntakeLagSeconds() {
        return Jmx.seconds(figures.intakeLag());
    }

    @ManagedAttribute(description = "When the newest readable event was recorded; an unreadable one (a dead letter) moves the replay id, not this (ISO-8601; empty before the first event)")
    public String getCheckpointUpdatedAt() {
        return Jmx.time(figures.checkpoint().map(Checkpoint::updatedAt));
    }

    @ManagedAttribute(description = "Stored replay id intake resumes from (base64; empty before the first event)")
    public String getCheckpointReplayId() {
        return figures.checkpoint().map(Checkpoint::replayId).orElse("");
    }

    @ManagedAttribute(description = "Changes recorded whose opt-out or opt-in flow has not run yet")
    public long getChangesReceived() {
        return ledger.count(ChangeState.RECEIVED);
    }

    @ManagedAttribute(description = "Catch-ups the service asked for itself (overflow, rejected replay id, checkpoint too old, first start) and the initial snapshot, not done yet")
    public long getPendingCatchUps() {
        return requestedCatchUps.backlog().pending();
    }

    @ManagedAttribute(description = "Since when the longest-failing pending catch-up or snapshot has been failing (ISO-8601; empty when none fails); it is tried again with back-off up to 5 minutes")
    public String getCatchUpsFailingSince() {
        return Jmx.time(requestedCatchUps.backlog().failingSince());
    }

    @ManagedAttribute(description = "The last error of the longest-failing pending catch-up or snapshot (empty when none fails)")
    public String getCatchUpLastError() {
        return requestedCatchUps.backlog().lastError().orElse("");
    }

    @ManagedAttribute(description = "Contacts named by gap events waiting to be re-read from Salesforce")
    public long getPendingGapReReads() {
        return gapRequeries.backlog().pending();
    }

    @ManagedAttribute(description = "Since when the re-read of contacts named by gap events has been failing (ISO-8601; empty when it does not fail); it is tried again with back-off up to 5 minutes")
    public String getGapReReadsFailingSince() {
        return Jmx.time(gapRequeries.backlog().failingSince());
    }

    @ManagedAttribute(description = "The last error of the longest-failing gap re-read (empty when none fails)")
    public String getGapReReadLastError() {
        return gapRequeries.backlog().lastError().orElse("");
    }

    @ManagedOperation(description = "Pause intake on this node: stop the Salesforce subscription (events wait in Salesforce up to 72 hours)")
    public String pause() {
        return intake.pause();
    }

    @ManagedOperation(description = "Resume intake from the stored checkpoint")
    public String resume() {
        return intake.resume();
    }

    @ManagedOperation(description = "Re-read from Salesforce every contact changed since a time and record what is missing")
    @ManagedOperationParameter(name = "from", description = "ISO-8601 instant, e.g. 2025-11-27T06:00:00Z")
    public String catchUpFrom(String from) {
        Instant since = Jmx.parseTime(from);
        return catchUps.catchUpFrom(since, "requested over JMX");
    }
}
