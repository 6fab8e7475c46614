package edu.cu.ecomm.optout.intake;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * Reads contacts' Email Opt Out from Salesforce with SOQL, through the routes of {@code catch-up.camel.yaml}
 * ({@code direct:salesforce-query}, {@code direct:salesforce-query-more}), which call camel-salesforce's
 * {@code query} and {@code queryMore} with raw JSON answers. Pages are handed on one at a time, so memory stays
 * bounded however many contacts changed.
 */
@Component("salesforceOptOutValues")
public class SalesforceOptOutValues {

    /** Ids per SOQL {@code IN} list: keeps the query far below Salesforce's 100,000-character limit. */
    public static final int IDS_PER_QUERY = 200;

    static final String FIELDS = "Id, HasOptedOutOfEmail, SystemModstamp";
    /**
     * SOQL date-time literal; whole seconds, so a query from T starts up to a second before T. That alone does not
     * cover a transaction's length: SystemModstamp is set at modification, before the commit, so a caller starting
     * from a commit time must start earlier ({@link CatchUps} subtracts {@code optout.catch-up.overlap}).
     */
    static final DateTimeFormatter SOQL_DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(java.time.ZoneOffset.UTC);
    /** Salesforce writes {@code 2026-11-27T10:15:30.000+0000}. */
    private static final DateTimeFormatter WIRE_DATETIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd'T'HH:mm:ss[.SSS]").appendPattern("[XXX][XX][X]").toFormatter();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProducerTemplate salesforce;

    public SalesforceOptOutValues(ProducerTemplate salesforce) {
        this.salesforce = salesforce;
    }

    /** The current value of each contact that still exists (deleted ones are simply absent). */
    public List<ContactValue> byIds(Collection<String> contactIds) {
        List<ContactValue> values = new ArrayList<>();
        List<String> ids = List.copyOf(contactIds);
        for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY));
            query(soqlFor(chunk), values::addAll);
        }
        return values;
    }

    /** The query reading up to {@value #IDS_PER_QUERY} contacts; it fits in one Salesforce GET (SoqlGetLimitTest). */
    static String soqlFor(List<String> ids) {
        return "SELECT " + FIELDS + " FROM Contact WHERE Id IN ('" + String.join("','", ids) + "')";
    }

    /**
     * Every contact whose SystemModstamp is at or after {@code from}, oldest change first, a page at a time.
     *
     * @return how many contacts were read
     */
    public long modifiedSince(Instant from, Consumer<List<ContactValue>> pages) {
        String soql = "SELECT " + FIELDS + " FROM Contact WHERE SystemModstamp >= "
                + SOQL_DATETIME.format(from.truncatedTo(ChronoUnit.SECONDS)) + " ORDER BY SystemModstamp";
        long[] count = {0};
        query(soql, page -> {
            count[0] += page.size();
            pages.accept(page);
        });
        return count[0];
    }

    private void query(String soql, Consumer<List<ContactValue>> pages) {
        JsonNode page = call("direct:salesforce-query", soql);
        pages.accept(values(page));
        while (!page.path("done").asBoolean(true) && page.hasNonNull("nextRecordsUrl")) {
            page = call("direct:salesforce-query-more", page.get("nextRecordsUrl").asText());
            pages.accept(values(page));
        }
    }

    private JsonNode call(String route, String body) {
        try (InputStream answer = salesforce.requestBody(route, body, InputStream.class)) {
            return JSON.readTree(answer);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read Salesforce's answer to " + route, e);
        }
    }

    static List<ContactValue> values(JsonNode page) {
        List<ContactValue> values = new ArrayList<>();
        for (JsonNode record : page.path("records")) {
            String id = SalesforceIds.toContactId18(record.path("Id").asText())
                    .orElseThrow(() -> new IllegalStateException("Salesforce returned a Contact id that is not one: " + record));
            values.add(new ContactValue(id, record.path("HasOptedOutOfEmail").asBoolean(),
                    parseDateTime(record.path("SystemModstamp").asText())));
        }
        return values;
    }

    static Instant parseDateTime(String text) {
        return OffsetDateTime.parse(text, WIRE_DATETIME).toInstant();
    }
}
