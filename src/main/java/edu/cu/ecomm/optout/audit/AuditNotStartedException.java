package edu.cu.ecomm.optout.audit;

/** An audit could not start: one is running already, or there is no CU Ascend export to audit. */
public class AuditNotStartedException extends RuntimeException {

    public AuditNotStartedException(String message) {
        super(message);
    }
}
