package edu.cu.ecomm.optout.emulator.salesforce;

/** Where the REST side of the emulator hands each committed contact change (the Pub/Sub event bus). */
@FunctionalInterface
public interface ChangeEventSink {

    void publish(ContactChangeCommit commit);
}
