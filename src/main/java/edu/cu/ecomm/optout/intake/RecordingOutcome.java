package edu.cu.ecomm.optout.intake;

/**
 * What recording one event did, for the log line and the intake counters.
 *
 * @param recorded   new ledger rows
 * @param duplicates contacts this event had already recorded (a replayed event)
 * @param invalidIds record ids that went to the dead letters
 * @param ignored    true when the event changed nothing this service follows
 */
public record RecordingOutcome(int recorded, int duplicates, int invalidIds, boolean ignored) {
}
