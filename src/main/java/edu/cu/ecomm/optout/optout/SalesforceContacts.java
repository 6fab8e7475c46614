package edu.cu.ecomm.optout.optout;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the Contact fields the flows need from Salesforce REST answers (camel-salesforce with
 * {@code rawPayload=true}): {@code getSObject} for one contact, a SOQL {@code query} for a batch.
 * The fields are {@code Name}, {@code Email}, {@code HasOptedOutOfEmail} (as it is now), the urgent re-subscribe field ({@code optout.resubscribe.urgent-field})
 * and the preference categories ({@code optout.preferences.fields}, comma-separated).
 */
@Component("salesforceContacts")
public class SalesforceContacts {

    private static final Pattern CONTACT_ID = Pattern.compile("[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?");
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    private final ObjectMapper json = new ObjectMapper();
    private final String urgentField;
    private final List<String> categoryFields;

    public SalesforceContacts(@Value("${optout.resubscribe.urgent-field:}") String urgentField,
                              @Value("${optout.preferences.fields:}") String categoryFields) {
        this.urgentField = urgentField == null || urgentField.isBlank() ? null : checkField(urgentField.trim());
        this.categoryFields = Arrays.stream(categoryFields.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(SalesforceContacts::checkField).toList();
    }

    /** The fields to read, comma-separated, for {@code sObjectFields} or a SOQL select list. */
    public String fieldList() {
        StringBuilder fields = new StringBuilder("Id,Name,Email,HasOptedOutOfEmail");
        if (urgentField != null) {
            fields.append(',').append(urgentField);
        }
        categoryFields.forEach(f -> fields.append(',').append(f));
        return fields.toString();
    }

    /** The SOQL query reading a batch of contacts in one call. */
    public String soqlFor(Collection<String> contactIds) {
        StringBuilder in = new StringBuilder();
        for (String id : contactIds) {
            if (!CONTACT_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("Not a Salesforce id: " + id);
            }
            in.append(in.isEmpty() ? "'" : ",'").append(id).append('\'');
        }
        return "SELECT " + fieldList() + " FROM Contact WHERE Id IN (" + in + ")";
    }

    /** One contact from a {@code getSObject} answer. */
    public ContactPreferences fromRecord(String body) {
        return read(parse(body));
    }

    /** Every contact of a SOQL {@code query} answer, by id. */
    public Map<String, ContactPreferences> fromQuery(String body) {
        JsonNode answer = parse(body);
        if (answer.hasNonNull("nextRecordsUrl")) {
            // A batch never exceeds one page (2,000 records); say so loudly rather than drop contacts.
            throw new IllegalStateException("Contact query answered more than one page; lower optout.optin.batch-size");
        }
        Map<String, ContactPreferences> contacts = new LinkedHashMap<>();
        for (JsonNode record : answer.path("records")) {
            ContactPreferences contact = read(record);
            contacts.put(contact.contactId(), contact);
        }
        return contacts;
    }

    private ContactPreferences read(JsonNode record) {
        Map<String, Boolean> categories = new LinkedHashMap<>();
        for (String field : categoryFields) {
            categories.put(field, record.path(field).asBoolean(false));
        }
        boolean urgent = urgentField != null && record.path(urgentField).asBoolean(false);
        return new ContactPreferences(text(record, "Id"), text(record, "Name"), text(record, "Email"), urgent,
                categories, record.path("HasOptedOutOfEmail").asBoolean(false));
    }

    private JsonNode parse(String body) {
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Salesforce answered something that is not JSON", e);
        }
    }

    private static String text(JsonNode record, String field) {
        JsonNode value = record.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String checkField(String name) {
        if (!FIELD_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Not a Salesforce field name: " + name);
        }
        return name;
    }
}
