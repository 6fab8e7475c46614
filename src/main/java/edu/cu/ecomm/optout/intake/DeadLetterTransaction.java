package edu.cu.ecomm.optout.intake;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Salesforce transaction of the event an intake dead letter keeps, read back from the letter's payload, so that
 * replaying the letter counts its re-read opt-ins with that transaction in the data-load guard: a Data Loader's
 * change origin still holds them, and the opt-ins of one transaction's several letters are still counted together.
 *
 * <p>Intake keeps an event as text: one it could not read as its Avro record's JSON ({@code "transactionKey":
 * "…"}, {@code "commitTimestamp": 1795000000000}), one it could not record as the decoded
 * {@link ContactChangeEvent} ({@code transactionKey=…, commitTimestamp=2026-11-27T06:00:00Z}), a group kept whole
 * as a list of either. The transaction is unknown (empty) when the letter names none — an event camel-salesforce
 * skipped has no payload, one that was not Avro was kept as base64 — or several (a group of transactions).
 */
final class DeadLetterTransaction {

    /** A JSON string (escapes included), a number or null: a header field of an Avro record's JSON. */
    private static final String JSON_VALUE = "(\"(?:[^\"\\\\]|\\\\.)*\"|-?[0-9]+|null)";

    private static final Pattern TRANSACTION_KEY = field("transactionKey", "[^,\\]]*");
    private static final Pattern COMMIT_USER = field("commitUser", "[^,\\]]*");
    private static final Pattern COMMIT_TIMESTAMP = field("commitTimestamp", "[^,\\]]*");
    /** In a ContactChangeEvent's text the origin is free text (it may hold commas): it ends at the next field. */
    private static final Pattern CHANGE_ORIGIN = field("changeOrigin", ".*?(?=, transactionKey=)");

    private static final ObjectMapper JSON = new ObjectMapper();

    private DeadLetterTransaction() {
    }

    /** The one transaction {@code payload} names, with its change origin, commit user and time where kept. */
    static Optional<GuardedTransaction> readFrom(String payload) {
        if (payload == null) {
            return Optional.empty();
        }
        Set<String> keys = new LinkedHashSet<>();
        Matcher key = TRANSACTION_KEY.matcher(payload);
        while (key.find()) {
            value(key).ifPresent(keys::add);
        }
        if (keys.size() != 1) {
            return Optional.empty();
        }
        // Every event of a transaction carries the same origin, user and commit time: the first found is the one.
        Instant commitTimestamp = first(COMMIT_TIMESTAMP, payload).map(DeadLetterTransaction::instant).orElse(null);
        return Optional.of(GuardedTransaction.of(keys.iterator().next(), null,
                first(CHANGE_ORIGIN, payload).orElse(null), first(COMMIT_USER, payload).orElse(null),
                commitTimestamp));
    }

    /** {@code "name": value} in an Avro record's JSON, or {@code name=value} in a Java record's text. */
    private static Pattern field(String name, String recordValue) {
        return Pattern.compile("\"" + name + "\": " + JSON_VALUE + "|\\b" + name + "=(" + recordValue + ")");
    }

    private static Optional<String> first(Pattern field, String payload) {
        Matcher matcher = field.matcher(payload);
        return matcher.find() ? value(matcher) : Optional.empty();
    }

    /** The field's value; empty when blank or null (JSON's null, or a Java record's null printed as "null"). */
    private static Optional<String> value(Matcher matcher) {
        String json = matcher.group(1);
        String text = json == null ? matcher.group(2) : json.startsWith("\"") ? unescape(json) : json;
        return text == null || text.isBlank() || text.equals("null") ? Optional.empty() : Optional.of(text.trim());
    }

    /** A JSON string's content, its escapes undone. */
    private static String unescape(String quoted) {
        try {
            return JSON.readValue(quoted, String.class);
        } catch (JsonProcessingException e) {
            return null; // not a JSON string after all: no value
        }
    }

    /** Epoch milliseconds (the Avro header) or ISO-8601 (a decoded event); null when neither. */
    private static Instant instant(String text) {
        try {
            return text.matches("-?[0-9]+") ? Instant.ofEpochMilli(Long.parseLong(text)) : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
