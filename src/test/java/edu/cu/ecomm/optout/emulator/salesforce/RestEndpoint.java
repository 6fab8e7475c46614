package edu.cu.ecomm.optout.emulator.salesforce;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import edu.cu.ecomm.optout.emulator.salesforce.ContactFields.Field;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST API of the emulated org under {@code /services/data/}: the versions list, Contact sObject rows
 * (read, create, update), sObject Collections update, SOQL query with {@code nextRecordsUrl} paging, and a
 * minimal describe. Every call but the versions list needs a live {@code Authorization: Bearer} token.
 */
final class RestEndpoint implements HttpHandler {

    private static final System.Logger LOG = System.getLogger(RestEndpoint.class.getName());
    private static final int OLDEST_VERSION = 31;
    private static final int LATEST_VERSION = 65;
    private static final int MAX_COLLECTION_SIZE = 200;
    private static final Pattern VERSION = Pattern.compile("v(\\d+)\\.0");
    private static final Pattern BATCH_SIZE = Pattern.compile("batchSize\\s*=\\s*(\\d+)");
    private static final Pattern CLIENT = Pattern.compile("client\\s*=\\s*([^,;\\s]+)");
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final AccessTokens tokens;
    private final ContactStore store;
    private final QueryCursors cursors;
    private final BulkQueryJobs bulkQueryJobs;
    private final int pageSize;

    RestEndpoint(AccessTokens tokens, ContactStore store, QueryCursors cursors, BulkQueryJobs bulkQueryJobs,
                 int pageSize) {
        this.tokens = tokens;
        this.store = store;
        this.cursors = cursors;
        this.bulkQueryJobs = bulkQueryJobs;
        this.pageSize = pageSize;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        // The exchange is closed only after the error is written: try-with-resources would close it first.
        try (exchange) {
            try {
                route(exchange);
            } catch (SalesforceApiException e) {
                Exchanges.sendError(exchange, e);
            } catch (RuntimeException e) {
                // An emulator bug must reach the test as Salesforce's generic failure, not as a dropped connection.
                LOG.log(System.Logger.Level.ERROR, "REST call failed: " + exchange.getRequestURI(), e);
                Exchanges.sendError(exchange, new SalesforceApiException(500, "UNKNOWN_EXCEPTION", e.toString()));
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath().replaceAll("/+$", "");
        if (!path.equals("/services/data") && !path.startsWith("/services/data/")) {
            throw SalesforceApiException.notFound();
        }
        List<String> segments = path.length() <= "/services/data".length() ? List.of()
                : List.of(path.substring("/services/data/".length()).split("/"));
        String method = exchange.getRequestMethod();
        if (segments.isEmpty()) {
            allow(method, "GET");
            Exchanges.sendJson(exchange, 200, versions());
            return;
        }
        Matcher version = VERSION.matcher(segments.get(0));
        if (!version.matches() || Integer.parseInt(version.group(1)) < OLDEST_VERSION
                || Integer.parseInt(version.group(1)) > LATEST_VERSION) {
            throw SalesforceApiException.notFound();
        }
        authenticate(exchange);
        Request request = new Request(exchange, segments.get(0).substring(1), segments.subList(1, segments.size()));
        List<String> rest = request.segments;
        if (rest.isEmpty()) {
            allow(method, "GET");
            Exchanges.sendJson(exchange, 200, resources(request.version));
        } else if (rest.get(0).equals("query") && rest.size() <= 2) {
            allow(method, "GET");
            query(request);
        } else if (rest.size() >= 2 && rest.size() <= 4 && rest.get(0).equals("jobs") && rest.get(1).equals("query")) {
            bulkQuery(request);
        } else if (rest.equals(List.of("composite", "sobjects"))) {
            allow(method, "PATCH");
            updateCollection(request);
        } else if (rest.get(0).equals("sobjects") && rest.size() >= 2 && rest.size() <= 3) {
            if (!rest.get(1).equalsIgnoreCase("Contact")) {
                throw SalesforceApiException.notFound();
            }
            sobject(request, rest.size() == 3 ? rest.get(2) : null);
        } else {
            throw SalesforceApiException.notFound();
        }
    }

    private void authenticate(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
        if (!tokens.isValid(token)) {
            // Salesforce names the scheme it wants; camel-salesforce logs in again on this 401.
            exchange.getResponseHeaders().set("WWW-Authenticate", "Token");
            throw new SalesforceApiException(401, "INVALID_SESSION_ID", "Session expired or invalid");
        }
    }

    private static void allow(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw new SalesforceApiException(405, "METHOD_NOT_ALLOWED",
                    "HTTP Method '" + method + "' not allowed. Allowed are " + allowed);
        }
    }

    private void sobject(Request request, String idOrAction) throws IOException {
        String method = request.exchange.getRequestMethod();
        if (idOrAction == null) {
            allow(method, "POST");
            Map<String, Object> values = FieldValues.forWrite(withoutAttributes(request.bodyObject()));
            String id = store.create(List.of(values), request.changeOrigin()).get(0);
            request.exchange.getResponseHeaders().set("Location", request.recordUrl(id));
            Exchanges.sendJson(request.exchange, 201, saveResult(id));
        } else if (idOrAction.equals("describe")) {
            allow(method, "GET");
            Exchanges.sendJson(request.exchange, 200, describe());
        } else if (method.equals("GET")) {
            String id = existingId(idOrAction);
            List<Field> fields = request.param("fields")
                    .map(list -> fieldList(list.split(",")))
                    .orElseGet(ContactFields::queryable);
            Exchanges.sendJson(request.exchange, 200, record(store.find(id).orElseThrow(), fields, request));
        } else {
            allow(method, "PATCH");
            String id = existingId(idOrAction);
            Map<String, Object> values = FieldValues.forWrite(withoutAttributes(request.bodyObject()));
            store.update(Map.of(id, values), request.changeOrigin());
            Exchanges.sendEmpty(request.exchange, 204);
        }
    }

    /**
     * Bulk API 2.0 query jobs: POST jobs/query, GET jobs/query/{id}, PATCH jobs/query/{id} (abort),
     * GET jobs/query/{id}/results.
     */
    private void bulkQuery(Request request) throws IOException {
        List<String> rest = request.segments;
        String method = request.exchange.getRequestMethod();
        if (rest.size() == 2) {
            allow(method, "POST");
            Exchanges.sendJson(request.exchange, 200, bulkQueryJobs.create(request.bodyObject(), store.all(),
                    request.version));
        } else if (rest.size() == 3 && method.equals("PATCH")) {
            Exchanges.sendJson(request.exchange, 200, bulkQueryJobs.abort(rest.get(2), request.bodyObject(),
                    request.version));
        } else if (rest.size() == 3) {
            allow(method, "GET");
            Exchanges.sendJson(request.exchange, 200, bulkQueryJobs.get(rest.get(2), request.version));
        } else if (rest.get(3).equals("results")) {
            allow(method, "GET");
            bulkQueryJobs.results(request.exchange, rest.get(2), Exchanges.form(request.exchange.getRequestURI().getRawQuery()));
        } else {
            throw SalesforceApiException.notFound();
        }
    }

    private String existingId(String id) {
        String normalized = SalesforceIds.normalize(id, SalesforceIds.CONTACT_PREFIX)
                .orElseThrow(() -> SalesforceApiException.malformedId(id));
        if (!store.exists(normalized)) {
            throw SalesforceApiException.notFound();
        }
        return normalized;
    }

    private static List<Field> fieldList(String[] names) {
        List<Field> fields = new ArrayList<>();
        for (String name : names) {
            fields.add(ContactFields.find(name.trim()).orElseThrow(() -> new SalesforceApiException(400,
                    "INVALID_FIELD", "No such column '" + name.trim() + "' on sobject of type Contact")));
        }
        return fields;
    }

    private void query(Request request) throws IOException {
        Map<String, Object> page;
        if (request.segments.size() == 2) {
            page = cursors.page(request.segments.get(1), request.version);
        } else {
            String soql = request.param("q").orElseThrow(() -> new SalesforceApiException(400,
                    "MALFORMED_QUERY", "A query string has to be specified"));
            SoqlQuery query = SoqlQuery.parse(soql);
            List<Map<String, Object>> records = new ArrayList<>();
            for (Map<String, Object> row : query.select(store.all())) {
                records.add(record(row, query.fields(), request));
            }
            page = cursors.firstPage(records, request.batchSize().orElse(pageSize), request.version);
        }
        Exchanges.sendJson(request.exchange, 200, page);
    }

    /**
     * sObject Collections update: the records that pass validation are saved in one transaction. With
     * {@code allOrNone} a single failure rolls every record back, as Salesforce does.
     */
    private void updateCollection(Request request) throws IOException {
        JsonNode body = request.bodyTree();
        JsonNode records = body.path("records");
        if (!records.isArray()) {
            throw new SalesforceApiException(400, "JSON_PARSER_ERROR", "Required field 'records' is missing");
        }
        if (records.size() > MAX_COLLECTION_SIZE) {
            throw new SalesforceApiException(400, "EXCEEDED_ID_LIMIT",
                    "record limit reached. cannot submit more than 200 records into this call");
        }
        boolean allOrNone = body.path("allOrNone").asBoolean(false);
        List<Map<String, Object>> results = new ArrayList<>();
        Map<String, Map<String, Object>> changes = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode record : records) {
            String type = record.path("attributes").path("type").asText("");
            String rawId = record.path("id").asText(record.path("Id").asText(null));
            Optional<String> id = Optional.ofNullable(rawId)
                    .flatMap(r -> SalesforceIds.normalize(r, SalesforceIds.CONTACT_PREFIX));
            try {
                if (!type.equalsIgnoreCase("Contact")) {
                    throw new SalesforceApiException(400, "INVALID_TYPE", "sObject type '" + type
                            + "' is not supported.");
                }
                if (rawId == null) {
                    throw new SalesforceApiException(400, "MISSING_ARGUMENT", "Id not specified in an update call");
                }
                if (id.isEmpty()) {
                    throw new SalesforceApiException(400, "MALFORMED_ID", "malformed id " + rawId);
                }
                if (!store.exists(id.get())) {
                    throw new SalesforceApiException(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id");
                }
                if (!seen.add(id.get())) {
                    throw new SalesforceApiException(400, "INVALID_FIELD", "Duplicate id in list: " + id.get());
                }
                Map<String, Object> fields = Exchanges.JSON.convertValue(record, OBJECT);
                fields.keySet().removeIf(name -> name.equals("attributes") || name.equalsIgnoreCase("id"));
                changes.put(id.get(), FieldValues.forWrite(fields));
                results.add(saveResult(id.get()));
            } catch (SalesforceApiException e) {
                results.add(failure(id.orElse(null), e.errorCode(), e.getMessage(), e.fields()));
            }
        }
        boolean anyFailed = changes.size() < results.size();
        if (allOrNone && anyFailed) {
            for (int i = 0; i < results.size(); i++) {
                if (Boolean.TRUE.equals(results.get(i).get("success"))) {
                    results.set(i, failure((String) results.get(i).get("id"), "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                            "Record rolled back because not all records were valid and the request was using"
                                    + " AllOrNone header", List.of()));
                }
            }
        } else if (!changes.isEmpty()) {
            store.update(changes, request.changeOrigin());
        }
        Exchanges.sendJson(request.exchange, 200, results);
    }

    private static Map<String, Object> saveResult(String id) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", id);
        result.put("success", true);
        result.put("errors", List.of());
        return result;
    }

    private static Map<String, Object> failure(String id, String statusCode, String message, List<String> fields) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("statusCode", statusCode);
        error.put("message", message);
        error.put("fields", fields);
        Map<String, Object> result = new LinkedHashMap<>();
        if (id != null) {
            result.put("id", id);
        }
        result.put("success", false);
        result.put("errors", List.of(error));
        return result;
    }

    private static Map<String, Object> withoutAttributes(Map<String, Object> body) {
        body.remove("attributes");
        return body;
    }

    private static Map<String, Object> record(Map<String, Object> row, List<Field> fields, Request request) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("attributes", Map.of("type", "Contact", "url", request.recordUrl((String) row.get("Id"))));
        for (Field field : fields) {
            record.put(field.name(), FieldValues.toWire(row.get(field.name())));
        }
        return record;
    }

    private static List<Map<String, Object>> versions() {
        List<Map<String, Object>> versions = new ArrayList<>();
        for (int v = OLDEST_VERSION; v <= LATEST_VERSION; v++) {
            // Three releases a year: v65.0 is Winter '26, v64.0 Summer '25, v63.0 Spring '25, and so on back.
            int back = LATEST_VERSION - v;
            String season = List.of("Winter", "Summer", "Spring").get(back % 3);
            versions.add(Map.of("label", season + " '" + (26 - (back + 2) / 3), "url", "/services/data/v" + v + ".0",
                    "version", v + ".0"));
        }
        return versions;
    }

    private static Map<String, Object> resources(String version) {
        String base = "/services/data/v" + version + "/";
        Map<String, Object> resources = new LinkedHashMap<>();
        for (String name : List.of("sobjects", "query", "composite")) {
            resources.put(name, base + name);
        }
        return resources;
    }

    private static Map<String, Object> describe() {
        List<Map<String, Object>> fields = new ArrayList<>();
        for (Field field : ContactFields.queryable()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("name", field.name());
            f.put("type", field.type().name().toLowerCase(Locale.ROOT));
            f.put("custom", field.name().endsWith("__c"));
            f.put("nillable", field.type() != ContactFields.Type.BOOLEAN && !field.name().equals("Id"));
            fields.add(f);
        }
        Map<String, Object> describe = new LinkedHashMap<>();
        describe.put("name", "Contact");
        describe.put("label", "Contact");
        describe.put("keyPrefix", SalesforceIds.CONTACT_PREFIX);
        describe.put("custom", false);
        describe.put("fields", fields);
        return describe;
    }

    /** One REST call: the exchange, its API version and the path after {@code /services/data/vNN.N/}. */
    private record Request(HttpExchange exchange, String version, List<String> segments) {

        Optional<String> param(String name) {
            return Optional.ofNullable(Exchanges.form(exchange.getRequestURI().getRawQuery()).get(name));
        }

        String recordUrl(String id) {
            return "/services/data/v" + version + "/sobjects/Contact/" + id;
        }

        /** Salesforce honours batchSize between 200 and 2000, rounding anything outside into that range. */
        Optional<Integer> batchSize() {
            String options = exchange.getRequestHeaders().getFirst("Sforce-Query-Options");
            Matcher m = options == null ? null : BATCH_SIZE.matcher(options);
            return m != null && m.find()
                    ? Optional.of(Math.max(200, Math.min(2000, Integer.parseInt(m.group(1))))) : Optional.empty();
        }

        /** {@code com/salesforce/api/rest/NN.N}, plus {@code ;client=…} from {@code Sforce-Call-Options}. */
        String changeOrigin() {
            String options = exchange.getRequestHeaders().getFirst("Sforce-Call-Options");
            Matcher m = options == null ? null : CLIENT.matcher(options);
            return "com/salesforce/api/rest/" + version + (m != null && m.find() ? ";client=" + m.group(1) : "");
        }

        JsonNode bodyTree() throws IOException {
            try {
                return Exchanges.JSON.readTree(Exchanges.body(exchange));
            } catch (JsonProcessingException e) {
                throw new SalesforceApiException(400, "JSON_PARSER_ERROR", e.getOriginalMessage());
            }
        }

        Map<String, Object> bodyObject() throws IOException {
            JsonNode tree = bodyTree();
            if (tree == null || !tree.isObject()) {
                throw new SalesforceApiException(400, "JSON_PARSER_ERROR", "Expected a JSON object");
            }
            return Exchanges.JSON.convertValue(tree, OBJECT);
        }
    }
}
