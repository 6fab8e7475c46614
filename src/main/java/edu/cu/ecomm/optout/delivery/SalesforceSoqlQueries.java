package edu.cu.ecomm.optout.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * SOQL through camel-salesforce's REST producer ({@code salesforce:query}, raw JSON), following
 * {@code nextRecordsUrl} with {@code salesforce:queryMore} until {@code done}.
 */
@Component("salesforceSoqlQueries")
class SalesforceSoqlQueries implements SoqlQueries {

    private final ProducerTemplate producer;
    private final ObjectMapper json = new ObjectMapper();

    SalesforceSoqlQueries(ProducerTemplate producer) {
        this.producer = producer;
    }

    @Override
    public List<Map<String, Object>> query(String soql) {
        List<Map<String, Object>> records = new ArrayList<>();
        JsonNode page = read(producer.requestBody("salesforce:query?rawPayload=true", soql));
        while (true) {
            for (JsonNode record : page.path("records")) {
                records.add(json.convertValue(record, Map.class));
            }
            if (page.path("done").asBoolean(true) || page.path("nextRecordsUrl").isMissingNode()) {
                return records;
            }
            page = read(producer.requestBody("salesforce:queryMore?rawPayload=true",
                    page.path("nextRecordsUrl").asText()));
        }
    }

    private JsonNode read(Object body) {
        try {
            if (body instanceof InputStream in) {
                try (in) {
                    return json.readTree(in);
                }
            }
            if (body instanceof byte[] bytes) {
                return json.readTree(bytes);
            }
            return json.readTree(String.valueOf(body));
        } catch (IOException e) {
            throw new IllegalStateException("Unreadable SOQL response from Salesforce", e);
        }
    }
}
