package edu.cu.ecomm.optout.delivery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import edu.cu.ecomm.optout.intake.SoqlGetLimit;

/**
 * Enriches contacts with the Contact fields CU Ascend matches on ({@code optout.ascend.fields}, e.g.
 * {@code Email,Ascend_Id__c}) through SOQL, at most {@value #MAX_IDS_PER_QUERY} ids per query.
 */
@Component("contactFieldLookup")
public class ContactFieldLookup {

    public static final int MAX_IDS_PER_QUERY = 200;

    private static final Pattern FIELD = Pattern.compile("[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)*");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{15}([A-Za-z0-9]{3})?");

    private final SoqlQueries soql;
    private final List<String> fields;

    public ContactFieldLookup(SoqlQueries soql, @Value("${optout.ascend.fields:Email}") String fields) {
        this.soql = soql;
        this.fields = Arrays.stream(fields.split(",")).map(String::trim).filter(f -> !f.isEmpty()).toList();
        for (String field : this.fields) {
            if (!FIELD.matcher(field).matches()) {
                throw new IllegalArgumentException("optout.ascend.fields: not a Contact field name: " + field);
            }
        }
        // A query is a GET naming up to 200 ids: with too many fields it would not fit in a Salesforce request and
        // every night's batch would fail on it, so such a list is refused before the service starts.
        String largest = this.fields.isEmpty() ? "" : soqlFor(SoqlGetLimit.longestIds(MAX_IDS_PER_QUERY));
        if (!SoqlGetLimit.fits(largest)) {
            throw new IllegalArgumentException("optout.ascend.fields: a query for " + MAX_IDS_PER_QUERY
                    + " contacts with these fields takes " + SoqlGetLimit.uriBytes(largest) + " bytes, over the "
                    + SoqlGetLimit.MAX_URI_BYTES + " a Salesforce request's URI may take; name fewer fields");
        }
    }

    /** The configured fields, in file column order. */
    public List<String> fields() {
        return fields;
    }

    /**
     * The configured fields' values per contact id, in {@link #fields()} order (empty text for a null value);
     * a contact Salesforce did not return (deleted, no access) is absent.
     */
    public Map<String, List<String>> lookup(List<String> contactIds) {
        if (fields.isEmpty() || contactIds.isEmpty()) {
            return Collections.emptyMap();
        }
        Map<String, List<String>> values = new HashMap<>();
        for (int from = 0; from < contactIds.size(); from += MAX_IDS_PER_QUERY) {
            List<String> chunk = contactIds.subList(from, Math.min(contactIds.size(), from + MAX_IDS_PER_QUERY));
            for (Map<String, Object> record : soql.query(soqlFor(chunk))) {
                List<String> row = new ArrayList<>(fields.size());
                for (String field : fields) {
                    row.add(text(valueAt(record, field)));
                }
                values.put(String.valueOf(record.get("Id")), row);
            }
        }
        return values;
    }

    /** {@code SELECT Id, <fields> FROM Contact WHERE Id IN ('…', …)} for at most 200 ids. */
    String soqlFor(List<String> ids) {
        if (ids.size() > MAX_IDS_PER_QUERY) {
            throw new IllegalArgumentException("At most " + MAX_IDS_PER_QUERY + " ids per query");
        }
        for (String id : ids) {
            if (!ID.matcher(id).matches()) {
                throw new IllegalArgumentException("Not a Salesforce id: " + id);
            }
        }
        return "SELECT Id, " + String.join(", ", fields) + " FROM Contact WHERE Id IN ("
                + ids.stream().map(id -> "'" + id + "'").collect(Collectors.joining(", ")) + ")";
    }

    /** A field's value; {@code Account.Name} reads the nested relationship record. */
    private static Object valueAt(Map<String, Object> record, String field) {
        Object value = record;
        for (String part : field.split("\\.")) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = caseInsensitiveGet(map, part);
        }
        return value;
    }

    private static Object caseInsensitiveGet(Map<?, ?> map, String key) {
        Object direct = map.get(key);
        if (direct != null || map.containsKey(key)) {
            return direct;
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (key.equalsIgnoreCase(String.valueOf(entry.getKey()))) {
                return entry.getValue();
            }
        }
        return null;
    }

    private static String text(Object value) {
        return value == null || value instanceof Map ? "" : String.valueOf(value);
    }
}
