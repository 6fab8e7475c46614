package edu.cu.ecomm.optout.emulator.salesforce;

import edu.cu.ecomm.optout.emulator.salesforce.ContactFields.Field;
import edu.cu.ecomm.optout.emulator.salesforce.ContactFields.Type;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Contact field values between the wire and the store: a write (REST body or test API) becomes canonical
 * field names with Boolean, String or Instant values, refused the way Salesforce refuses it; a stored value
 * becomes the JSON Salesforce returns (date-times as {@code 2026-01-01T00:00:00.000+0000}).
 */
final class FieldValues {

    /** Set by the platform, never by a write; {@code Name} is composed from its parts. */
    private static final Set<String> READ_ONLY = Set.of("Id", "IsDeleted", "SystemModstamp", "Name",
            "CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById");

    private static final DateTimeFormatter WIRE_DATETIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx").withZone(ZoneOffset.UTC);

    /** Salesforce accepts {@code Z}, {@code +00:00} and {@code +0000}, and reads a date-time without one as UTC. */
    private static final DateTimeFormatter READ_DATETIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart().appendPattern("XXX").optionalEnd()
            .optionalStart().appendPattern("XX").optionalEnd()
            .toFormatter();

    private FieldValues() {
    }

    /** The writable fields of {@code raw} by canonical name, typed; refuses unknown and read-only fields. */
    static Map<String, Object> forWrite(Map<String, ?> raw) {
        Map<String, Object> typed = new LinkedHashMap<>();
        for (Map.Entry<String, ?> entry : raw.entrySet()) {
            Field field = ContactFields.find(entry.getKey()).orElseThrow(() -> new SalesforceApiException(400,
                    "INVALID_FIELD", "No such column '" + entry.getKey() + "' on sobject of type Contact"));
            if (READ_ONLY.contains(field.name())) {
                throw new SalesforceApiException(400, "INVALID_FIELD_FOR_INSERT_UPDATE",
                        "Unable to create/update fields: " + field.name() + ". Please check the security settings"
                                + " of this field and verify that it is read/write for your profile or permission set.",
                        List.of(field.name()));
            }
            typed.put(field.name(), typed(field, entry.getValue()));
        }
        return typed;
    }

    private static Object typed(Field field, Object value) {
        if (value == null || value instanceof String s && s.isEmpty() && field.type() != Type.BOOLEAN) {
            // Salesforce stores an empty text value as null.
            return null;
        }
        return switch (field.type()) {
            case BOOLEAN -> {
                if (value instanceof Boolean b) {
                    yield b;
                }
                throw unreadable(field, value, "boolean");
            }
            case DATETIME -> {
                if (value instanceof Instant i) {
                    yield i;
                }
                if (value instanceof String s) {
                    yield parseDateTime(s).orElseThrow(() -> unreadable(field, value, "datetime"));
                }
                throw unreadable(field, value, "datetime");
            }
            case ID, REFERENCE -> {
                String id = value.toString();
                yield SalesforceIds.normalize(id)
                        .orElseThrow(() -> new SalesforceApiException(400, "MALFORMED_ID",
                                field.name() + ": id value of incorrect type: " + id, List.of(field.name())));
            }
            case STRING, EMAIL, PHONE -> {
                if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                    yield value.toString();
                }
                throw unreadable(field, value, "string");
            }
        };
    }

    static Optional<Instant> parseDateTime(String text) {
        try {
            TemporalAccessor parsed = READ_DATETIME.parseBest(text, OffsetDateTime::from, LocalDateTime::from);
            return Optional.of(parsed instanceof OffsetDateTime odt
                    ? odt.toInstant() : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static SalesforceApiException unreadable(Field field, Object value, String type) {
        return new SalesforceApiException(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of " + type
                + " from " + value.getClass().getSimpleName() + " value " + value + " or the value is out of range"
                + " for " + type + " at [field " + field.name() + "]");
    }

    /** A stored value as Salesforce writes it in JSON. */
    static Object toWire(Object value) {
        return value instanceof Instant instant ? WIRE_DATETIME.format(instant) : value;
    }
}
