package edu.cu.ecomm.optout.intake;

/** A change event whose content cannot be read as a Contact change; it goes to the dead letters whole. */
public class UndecodableEventException extends RuntimeException {

    public UndecodableEventException(String message) {
        super(message);
    }

    public UndecodableEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
