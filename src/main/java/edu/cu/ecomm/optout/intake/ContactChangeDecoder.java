package edu.cu.ecomm.optout.intake;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.lang3.StringUtils;
import org.springframework.stereotype.Component;

/**
 * Reads the Avro record camel-salesforce hands over ({@code GenericData.Record}, strings as {@code Utf8}) into a
 * {@link ContactChangeEvent}, expanding the field bitmaps against the event's own schema.
 */
@Component("contactChangeDecoder")
public class ContactChangeDecoder {

    /**
     * Characters of a change origin the ledger keeps (its columns are varchar(255)). The origin is Salesforce's
     * API path and then the caller's client id from {@code Sforce-Call-Options}, free text of any length: uncut, a
     * long one made the event's changes unrecordable. The start, where the bulk-origin patterns look, is kept.
     */
    static final int MAX_ORIGIN = 255;

    /**
     * Intake's step: the decoded event, or an {@link UnreadableEvent} instead of an exception, so that an event
     * that cannot be read keeps its place among the events recorded together (see contact-changes.camel.yaml).
     */
    public ReceivedEvent read(Object body, String eventId, String replayId) {
        try {
            return decode(body, eventId, replayId);
        } catch (RuntimeException e) {
            String reason = e instanceof UndecodableEventException ? e.getMessage() : e.toString();
            return new UnreadableEvent(body, eventId, replayId, reason);
        }
    }

    /**
     * @throws UndecodableEventException when the record is not a Contact change event this service can read
     */
    public ContactChangeEvent decode(Object body, String eventId, String replayId) {
        if (!(body instanceof GenericRecord event)) {
            throw new UndecodableEventException("expected an Avro record, got "
                    + (body == null ? "nothing" : body.getClass().getName()));
        }
        Schema schema = event.getSchema();
        if (schema.getField("ChangeEventHeader") == null
                || !(event.get("ChangeEventHeader") instanceof GenericRecord header)) {
            throw new UndecodableEventException("event " + schema.getFullName() + " has no ChangeEventHeader");
        }
        if (schema.getField(ContactChangeEvent.OPT_OUT_FIELD) == null) {
            throw new UndecodableEventException("event " + schema.getFullName() + " has no "
                    + ContactChangeEvent.OPT_OUT_FIELD + " field");
        }
        String entity = text(header, "entityName");
        if (!"Contact".equals(entity)) {
            throw new UndecodableEventException("event is for entity '" + entity + "', not Contact");
        }
        try {
            return new ContactChangeEvent(
                    eventId,
                    replayId,
                    required(header, "changeType"),
                    texts(header.get("recordIds")),
                    FieldBitmaps.fieldNames(schema, texts(header.get("changedFields"))),
                    (Boolean) event.get(ContactChangeEvent.OPT_OUT_FIELD),
                    StringUtils.truncate(text(header, "changeOrigin"), MAX_ORIGIN),
                    text(header, "transactionKey"),
                    ((Number) header.get("sequenceNumber")).intValue(),
                    Instant.ofEpochMilli(((Number) header.get("commitTimestamp")).longValue()),
                    ((Number) header.get("commitNumber")).longValue(),
                    text(header, "commitUser"));
        } catch (ClassCastException | NullPointerException e) {
            throw new UndecodableEventException("ChangeEventHeader has a missing or mistyped field: " + e.getMessage(), e);
        }
    }

    private static String required(GenericRecord record, String field) {
        String value = text(record, field);
        if (value == null) {
            throw new UndecodableEventException("ChangeEventHeader." + field + " is missing");
        }
        return value;
    }

    /** Avro strings and enum symbols arrive as {@code Utf8} or {@code GenericEnumSymbol}; both print as text. */
    private static String text(GenericRecord record, String field) {
        Object value = record.hasField(field) ? record.get(field) : null;
        return value == null ? null : value.toString();
    }

    private static List<String> texts(Object array) {
        List<String> values = new ArrayList<>();
        if (array instanceof Iterable<?> items) {
            items.forEach(item -> values.add(String.valueOf(item)));
        }
        return values;
    }
}
