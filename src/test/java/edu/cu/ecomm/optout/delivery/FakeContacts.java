package edu.cu.ecomm.optout.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Salesforce's Contact records as the SOQL look-up sees them, for tests that do not start the Salesforce
 * emulator: answers {@code SELECT Id, … FROM Contact WHERE Id IN (…)} with the records it holds.
 */
class FakeContacts implements SoqlQueries {

    /** Puts an empty one in the application's place of the Salesforce look-up; tests autowire it and fill it. */
    @TestConfiguration
    static class InPlaceOfSalesforce {
        @Bean
        @Primary
        FakeContacts fakeContacts() {
            return new FakeContacts();
        }
    }

    private static final Pattern QUOTED_ID = Pattern.compile("'([A-Za-z0-9]{18})'");

    private final Map<String, Map<String, Object>> contacts = new ConcurrentHashMap<>();
    final List<String> queries = new CopyOnWriteArrayList<>();

    FakeContacts put(String id, String email) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("Id", id);
        record.put("Email", email);
        contacts.put(id, record);
        return this;
    }

    void clear() {
        contacts.clear();
        queries.clear();
    }

    @Override
    public List<Map<String, Object>> query(String soql) {
        queries.add(soql);
        List<Map<String, Object>> records = new ArrayList<>();
        Matcher ids = QUOTED_ID.matcher(soql);
        while (ids.find()) {
            Map<String, Object> record = contacts.get(ids.group(1));
            if (record != null) {
                records.add(record);
            }
        }
        return records;
    }
}
