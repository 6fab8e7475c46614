package edu.cu.ecomm.optout.intake;

/** Intake refuses to record while it waits to restart from its checkpoint (see {@link IntakeRecovery}). */
public class IntakeHaltedException extends IllegalStateException {

    IntakeHaltedException(String why) {
        super("intake is halted until it restarts from the stored checkpoint: " + why);
    }
}
