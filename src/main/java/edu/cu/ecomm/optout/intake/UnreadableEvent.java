package edu.cu.ecomm.optout.intake;

/**
 * An event whose content is not a Contact change this service can read, kept raw with the reason. It travels
 * through intake like a readable event, in its place in the stream, and is recorded as a dead letter in the same
 * transaction as the events around it, so the checkpoint passes it only together with them.
 *
 * @param payload the body camel-salesforce handed over (an Avro record, or whatever else arrived)
 */
public record UnreadableEvent(Object payload, String eventId, String replayId, String reason) implements ReceivedEvent {
}
