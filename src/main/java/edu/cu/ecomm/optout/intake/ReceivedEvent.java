package edu.cu.ecomm.optout.intake;

/**
 * What intake received for one Pub/Sub event, in stream order: a Contact change it could read, or an event it
 * could not. Both are recorded in their place, so the checkpoint passes an event only with the ones before it.
 */
public sealed interface ReceivedEvent permits ContactChangeEvent, UnreadableEvent {

    String eventId();

    String replayId();
}
