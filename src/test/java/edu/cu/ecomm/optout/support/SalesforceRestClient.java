package edu.cu.ecomm.optout.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a specialist's browser or a data-load tool does to contacts, over Salesforce's real REST API: log in
 * with client credentials, then create, update and composite-update contacts. Tests and the local demo change
 * the emulated org only through this, so every change travels the same wire as in production.
 */
public final class SalesforceRestClient {

    private static final String API = "/services/data/v64.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String loginUrl;
    private String instanceUrl;
    private String accessToken;

    public SalesforceRestClient(String loginUrl) {
        this.loginUrl = loginUrl;
    }

    /** Sets Email Opt Out of one contact, as a specialist ticking or unticking the box does. */
    public void setOptOut(String contactId, boolean optedOut) {
        update(contactId, Map.of("HasOptedOutOfEmail", optedOut));
    }

    public void update(String contactId, Map<String, ?> fields) {
        send("PATCH", API + "/sobjects/Contact/" + contactId, fields, null, 204);
    }

    /** Creates a contact and returns its 18-character id. */
    public String create(Map<String, ?> fields) {
        return send("POST", API + "/sobjects/Contact", fields, null, 201).get("id").asText();
    }

    /** One transaction applying the same values to every contact, as a composite update or a data load does. */
    public void updateAll(List<String> contactIds, Map<String, ?> fields, String callOptionsClient) {
        Map<String, Map<String, ?>> fieldsById = new LinkedHashMap<>();
        contactIds.forEach(id -> fieldsById.put(id, fields));
        updateEach(fieldsById, callOptionsClient);
    }

    /**
     * One transaction (one composite update) giving each contact its own values, as a data load with mixed rows
     * does: Salesforce sends one change event per distinct change, all with the transaction's key.
     */
    public void updateEach(Map<String, ? extends Map<String, ?>> fieldsById, String callOptionsClient) {
        List<Map<String, Object>> records = new ArrayList<>();
        fieldsById.forEach((id, fields) -> {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("attributes", Map.of("type", "Contact"));
            record.put("id", id);
            record.putAll(fields);
            records.add(record);
        });
        JsonNode results = send("PATCH", API + "/composite/sobjects", Map.of("allOrNone", true, "records", records),
                callOptionsClient, 200);
        for (JsonNode result : results) {
            if (!result.path("success").asBoolean()) {
                throw new IllegalStateException("composite update refused: " + result);
            }
        }
    }

    /** The ids of contacts matching a SOQL condition, e.g. {@code HasOptedOutOfEmail = false}. */
    public List<String> contactIds(String where, int limit) {
        String soql = "SELECT Id FROM Contact WHERE " + where + " ORDER BY Id LIMIT " + limit;
        JsonNode page = send("GET", API + "/query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8), null, null, 200);
        List<String> ids = new ArrayList<>();
        page.path("records").forEach(record -> ids.add(record.path("Id").asText()));
        return ids;
    }

    /** Every contact's Email Opt Out, by id, read with SOQL page by page. */
    public Map<String, Boolean> optOutValues() {
        Map<String, Boolean> values = new LinkedHashMap<>();
        JsonNode page = send("GET", API + "/query?q=" + URLEncoder.encode("SELECT Id, HasOptedOutOfEmail FROM Contact",
                StandardCharsets.UTF_8), null, null, 200);
        while (true) {
            page.path("records").forEach(record -> values.put(record.path("Id").asText(),
                    record.path("HasOptedOutOfEmail").asBoolean()));
            if (page.path("done").asBoolean(true) || !page.hasNonNull("nextRecordsUrl")) {
                return values;
            }
            page = send("GET", page.get("nextRecordsUrl").asText(), null, null, 200);
        }
    }

    private synchronized JsonNode send(String method, String path, Object body, String callOptionsClient,
                                       int expectedStatus) {
        if (accessToken == null) {
            login();
        }
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(instanceUrl + path))
                    .header("Authorization", "Bearer " + accessToken)
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            if (callOptionsClient != null) {
                request.header("Sforce-Call-Options", "client=" + callOptionsClient);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 401) {
                accessToken = null;
                return send(method, path, body, callOptionsClient, expectedStatus);
            }
            if (response.statusCode() != expectedStatus) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void login() {
        String form = "grant_type=client_credentials&client_id=optout-sync-local&client_secret=local-secret";
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(loginUrl + "/services/oauth2/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("login refused: " + response.body());
            }
            JsonNode token = JSON.readTree(response.body());
            accessToken = token.get("access_token").asText();
            instanceUrl = token.get("instance_url").asText();
        } catch (IOException e) {
            throw new IllegalStateException("login failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
