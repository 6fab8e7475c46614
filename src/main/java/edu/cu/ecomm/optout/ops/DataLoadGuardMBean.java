package edu.cu.ecomm.optout.ops;

import edu.cu.ecomm.optout.guard.HeldOptIns;
import edu.cu.ecomm.optout.guard.HeldOptIns.Outcome;
import edu.cu.ecomm.optout.guard.OptOutRestores;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedOperationParameter;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.stereotype.Component;

/**
 * JMX: the data-load guard ({@code edu.cu.ecomm.optout:type=DataLoadGuard}). Attributes are readable by a read-only
 * JMX user; release and reject are operations, so only a read-write (operator) user may invoke them
 * ({@link JmxAccessControl}).
 */
@Component
@ManagedResource(objectName = Jmx.DOMAIN + ":type=DataLoadGuard",
        description = "Data-load guard: opt-ins from mass changes held for review; list, release, reject")
public class DataLoadGuardMBean {

    /** Rows of the listing attribute; the weekly held-opt-ins file lists them all. */
    static final int LISTED = 200;

    private final HeldOptIns held;
    private final OptOutRestores restores;
    private final int maxOptIns;
    private final String bulkOrigins;
    private final boolean restoreOnReject;

    public DataLoadGuardMBean(HeldOptIns held, OptOutRestores restores,
                              @Value("${optout.guard.max-opt-ins:20}") int maxOptIns,
                              @Value("${optout.guard.bulk-origins:/api/bulkapi/,;client=DataLoader}") String bulkOrigins,
                              @Value("${optout.guard.restore-on-reject:false}") boolean restoreOnReject) {
        this.held = held;
        this.restores = restores;
        this.maxOptIns = maxOptIns;
        this.bulkOrigins = bulkOrigins;
        this.restoreOnReject = restoreOnReject;
    }

    @ManagedAttribute(description = "Opt-ins held for review now (state HELD): not delivered to CU Ascend, not looked up")
    public long getHeldChanges() {
        return held.heldChanges();
    }

    @ManagedAttribute(description = "Salesforce transactions with opt-ins held for review now")
    public long getHeldTransactions() {
        return held.heldTransactions();
    }

    @ManagedAttribute(description = "Held transactions, oldest first: transaction key | opt-ins held | reason | change"
            + " origin | commit user | committed | held at")
    public String[] getHeldTransactionList() {
        return held.transactions().stream().map(t -> t.transactionKey() + " | " + t.held() + " | " + t.reason()
                + " | " + nz(t.changeOrigin()) + " | " + nz(t.commitUser()) + " | " + Jmx.time(t.commitTimestamp())
                + " | " + Jmx.time(t.heldAt())).toArray(String[]::new);
    }

    @ManagedAttribute(description = "Held opt-ins (first " + LISTED + ", by transaction then contact): change id |"
            + " contact | transaction key | committed")
    public String[] getHeldChangeList() {
        return held.held(LISTED).stream().map(h -> h.changeId() + " | " + h.contactId() + " | "
                + h.transactionKey() + " | " + Jmx.time(h.commitTimestamp())).toArray(String[]::new);
    }

    @ManagedAttribute(description = "A transaction opting more contacts in than this is held (optout.guard.max-opt-ins)")
    public int getMaxOptIns() {
        return maxOptIns;
    }

    @ManagedAttribute(description = "Change origins held whatever their size (optout.guard.bulk-origins, regular expressions)")
    public String getBulkOrigins() {
        return bulkOrigins;
    }

    @ManagedAttribute(description = "Whether rejecting writes Email Opt Out = true back to Salesforce (optout.guard.restore-on-reject)")
    public boolean isRestoreOnReject() {
        return restoreOnReject;
    }

    @ManagedAttribute(description = "Restores of Email Opt Out in Salesforce waiting or being retried")
    public long getRestoresPending() {
        return restores.count("PENDING");
    }

    @ManagedAttribute(description = "Restores of Email Opt Out in Salesforce that failed every attempt (see the dead letters)")
    public long getRestoresFailed() {
        return restores.count("FAILED");
    }

    @ManagedAttribute(description = "Restores of Email Opt Out not written because optout.guard.restore-on-reject was off"
            + " when they came due (see requeueSwitchedOffRestores)")
    public long getRestoresSwitchedOff() {
        return restores.count("SWITCHED_OFF");
    }

    @ManagedOperation(description = "Queue again the restores not written while optout.guard.restore-on-reject was off;"
            + " only once it is on again")
    public String requeueSwitchedOffRestores() {
        return restores.requeueSwitchedOff();
    }

    @ManagedOperation(description = "Release every held opt-in of a transaction down the opt-in flow (a contact with a"
            + " later change is marked superseded instead)")
    @ManagedOperationParameter(name = "transactionKey", description = "Salesforce transaction key (see HeldTransactionList)")
    public String releaseTransaction(String transactionKey) {
        return answer(held.releaseTransaction(transactionKey.trim()));
    }

    @ManagedOperation(description = "Release one held opt-in down the opt-in flow (superseded instead if the contact has a"
            + " later change)")
    @ManagedOperationParameter(name = "changeId", description = "Ledger change id (see HeldChangeList)")
    public String releaseChange(long changeId) {
        return answer(held.releaseChange(changeId));
    }

    @ManagedOperation(description = "Reject every held opt-in of a transaction: never delivered to CU Ascend (and, with"
            + " restore-on-reject, Email Opt Out written back to true in Salesforce)")
    @ManagedOperationParameter(name = "transactionKey", description = "Salesforce transaction key (see HeldTransactionList)")
    public String rejectTransaction(String transactionKey) {
        return answer(held.rejectTransaction(transactionKey.trim()));
    }

    @ManagedOperation(description = "Reject one held opt-in: never delivered to CU Ascend (and, with restore-on-reject,"
            + " Email Opt Out written back to true in Salesforce)")
    @ManagedOperationParameter(name = "changeId", description = "Ledger change id (see HeldChangeList)")
    public String rejectChange(long changeId) {
        return answer(held.rejectChange(changeId));
    }

    private static String answer(Outcome outcome) {
        return outcome.message();
    }

    private static String nz(String value) {
        return value == null ? "" : value;
    }
}
