package edu.cu.ecomm.optout.audit;

/**
 * An audit taken as abandoned (optout.audit.abandon-after) whose instance came back after all: a later audit holds
 * the slot and may have deleted this one's staged Salesforce values, so it must not read Salesforce, compare,
 * correct, report or write its figures.
 */
public class AuditAbandonedException extends RuntimeException {

    public AuditAbandonedException(long auditId) {
        super("Parity audit " + auditId + " stops here: it was taken as abandoned (optout.audit.abandon-after)"
                + " while it ran, and a later audit may have deleted the Salesforce values it read;"
                + " its report would be wrong");
    }
}
