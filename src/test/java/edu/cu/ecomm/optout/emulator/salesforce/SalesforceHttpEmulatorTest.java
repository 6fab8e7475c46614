package edu.cu.ecomm.optout.emulator.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

import edu.cu.ecomm.optout.support.MutableClock;

/** The emulator over real sockets, driven the way camel-salesforce drives Salesforce. */
class SalesforceHttpEmulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V = "/services/data/v64.0/";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final List<ContactChangeCommit> commits = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private SalesforceHttpEmulator emulator;
    private SalesforceHttpEmulator.Config config;

    @BeforeEach
    void start() {
        config = SalesforceHttpEmulator.Config.defaults().withClock(clock).withTokenLifetime(Duration.ofHours(1));
        emulator = new SalesforceHttpEmulator(commits::add, config);
        emulator.start();
    }

    @AfterEach
    void stop() {
        emulator.stop();
    }

    // --- helpers -------------------------------------------------------------------------------------------

    private record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    }

    private Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = response.body().isEmpty() ? null : JSON.readTree(response.body());
        return new Reply(response.statusCode(), body, response);
    }

    private Reply login(Map<String, String> form) throws IOException, InterruptedException {
        String encoded = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/services/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encoded)));
    }

    private String token() throws IOException, InterruptedException {
        return login(Map.of("grant_type", "client_credentials", "client_id", "optout-sync-local",
                "client_secret", "local-secret")).body().get("access_token").asText();
    }

    private Reply get(String path, String token) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + path))
                .header("Authorization", "Bearer " + token).GET());
    }

    private Reply call(String method, String path, Object body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator.baseUrl() + path))
                .header("Authorization", "Bearer " + token())
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request);
    }

    private static String jwt(String header, String claims) {
        // camel-salesforce encodes with the padded URL-safe encoder; the emulator must accept that.
        Base64.Encoder encoder = Base64.getUrlEncoder();
        return encoder.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + encoder.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "."
                + encoder.encodeToString("not-checked".getBytes(StandardCharsets.UTF_8));
    }

    private String jwtClaims(String iss, String sub, long exp) {
        return "{\"iss\":\"" + iss + "\",\"sub\":\"" + sub + "\",\"aud\":\"" + emulator.baseUrl()
                + "\",\"exp\":\"" + exp + "\"}";
    }

    private static void assertOAuthError(Reply reply, String error) {
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body().get("error").asText()).isEqualTo(error);
        assertThat(reply.body().has("error_description")).isTrue();
    }

    private static void assertRestError(Reply reply, int status, String errorCode) {
        assertThat(reply.status()).isEqualTo(status);
        assertThat(reply.body().isArray()).isTrue();
        assertThat(reply.body().get(0).get("errorCode").asText()).isEqualTo(errorCode);
        assertThat(reply.body().get(0).has("message")).isTrue();
    }

    // --- OAuth -----------------------------------------------------------------------------------------------

    @Nested
    class OAuth {

        @Test
        void clientCredentialsGrantAnswersLikeSalesforce() throws Exception {
            Reply reply = login(Map.of("grant_type", "client_credentials", "client_id", "optout-sync-local",
                    "client_secret", "local-secret", "format", "json"));

            assertThat(reply.status()).isEqualTo(200);
            JsonNode body = reply.body();
            String id = emulator.baseUrl() + "/id/" + emulator.orgId() + "/" + emulator.userId();
            assertThat(body.get("instance_url").asText()).isEqualTo(emulator.baseUrl());
            assertThat(body.get("id").asText()).isEqualTo(id);
            assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
            assertThat(body.get("issued_at").asText()).isEqualTo(Long.toString(clock.millis()));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec("local-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            assertThat(body.get("signature").asText()).isEqualTo(Base64.getEncoder().encodeToString(
                    mac.doFinal((id + body.get("issued_at").asText()).getBytes(StandardCharsets.UTF_8))));
            String token = body.get("access_token").asText();
            assertThat(emulator.isValid(token, emulator.orgId())).isTrue();
            assertThat(emulator.isValid(token, SalesforceIds.to18("00D5e000000Othr"))).isFalse();
        }

        @Test
        void clientCredentialsWithAWrongSecretIsAnInvalidClient() throws Exception {
            Reply reply = login(Map.of("grant_type", "client_credentials", "client_id", "optout-sync-local",
                    "client_secret", "guess"));
            assertOAuthError(reply, "invalid_client");
            assertThat(reply.body().get("error_description").asText()).isEqualTo("invalid client credentials");
        }

        @Test
        void passwordGrantChecksClientThenUser() throws Exception {
            Map<String, String> form = new LinkedHashMap<>(Map.of("grant_type", "password",
                    "client_id", "optout-sync-local", "client_secret", "local-secret",
                    "username", config.username(), "password", config.password()));
            assertThat(login(form).status()).isEqualTo(200);

            form.put("password", "wrong");
            assertOAuthError(login(form), "invalid_grant");

            form.put("client_secret", "wrong");
            assertOAuthError(login(form), "invalid_client");
        }

        @Test
        void jwtBearerGrantAcceptsAnAssertionFromTheConnectedApp() throws Exception {
            long exp = clock.millis() / 1000 + 300;
            Reply reply = login(Map.of("grant_type", OAuthEndpoint.JWT_BEARER, "client_id", "optout-sync-local",
                    "assertion", jwt("{\"alg\":\"RS256\"}", jwtClaims("optout-sync-local", config.username(), exp))));

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body().get("access_token").asText()).startsWith(emulator.orgId().substring(0, 15) + "!");
        }

        @Test
        void jwtBearerGrantRefusesOtherIssuersExpiredAndMalformedAssertions() throws Exception {
            long exp = clock.millis() / 1000 + 300;
            assertOAuthError(login(Map.of("grant_type", OAuthEndpoint.JWT_BEARER, "assertion",
                    jwt("{\"alg\":\"RS256\"}", jwtClaims("someone-else", config.username(), exp)))), "invalid_client");
            assertOAuthError(login(Map.of("grant_type", OAuthEndpoint.JWT_BEARER, "assertion",
                    jwt("{\"alg\":\"RS256\"}", jwtClaims("optout-sync-local", config.username(), exp - 600)))),
                    "invalid_grant");
            assertOAuthError(login(Map.of("grant_type", OAuthEndpoint.JWT_BEARER, "assertion", "not.a-jwt")),
                    "invalid_grant");
        }

        @Test
        void unknownGrantTypeIsUnsupported() throws Exception {
            assertOAuthError(login(Map.of("grant_type", "authorization_code", "code", "x")), "unsupported_grant_type");
        }

        @Test
        void restCallsWithoutALiveTokenAreRefusedWithInvalidSession() throws Exception {
            Reply reply = get(V + "query?q=SELECT+Id+FROM+Contact", "bogus");

            assertRestError(reply, 401, "INVALID_SESSION_ID");
            assertThat(reply.body().get(0).get("message").asText()).isEqualTo("Session expired or invalid");
        }

        @Test
        void revokedTokensStopWorking() throws Exception {
            String token = token();
            Reply revoke = send(HttpRequest.newBuilder(
                    URI.create(emulator.baseUrl() + "/services/oauth2/revoke?token=" + token)).GET());

            assertThat(revoke.status()).isEqualTo(200);
            assertRestError(get(V + "sobjects/Contact/describe", token), 401, "INVALID_SESSION_ID");
            assertThat(emulator.isValid(token, emulator.orgId())).isFalse();
            Reply again = send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/services/oauth2/revoke"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("token=" + token)));
            assertThat(again.status()).isEqualTo(400);
        }

        @Test
        void tokensExpireAfterTheirLifetimeOrWhenExpiredByTheTest() throws Exception {
            String first = token();
            clock.advance(Duration.ofMinutes(61));
            assertRestError(get(V + "sobjects/Contact/describe", first), 401, "INVALID_SESSION_ID");

            String second = token();
            assertThat(get(V + "sobjects/Contact/describe", second).status()).isEqualTo(200);
            emulator.expireAllTokens();
            assertRestError(get(V + "sobjects/Contact/describe", second), 401, "INVALID_SESSION_ID");
        }
    }

    // --- sObject rows --------------------------------------------------------------------------------------

    @Nested
    class SObjectRows {

        @Test
        void getReturnsTheRowWithAttributesAndSalesforceDateTimes() throws Exception {
            String id = emulator.createContact(Map.of("FirstName", "Ada", "LastName", "Lovelace"));

            Reply reply = get(V + "sobjects/Contact/" + id, token());

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body().get("attributes").get("type").asText()).isEqualTo("Contact");
            assertThat(reply.body().get("attributes").get("url").asText()).isEqualTo(V + "sobjects/Contact/" + id);
            assertThat(reply.body().get("Id").asText()).isEqualTo(id);
            assertThat(reply.body().get("Name").asText()).isEqualTo("Ada Lovelace");
            assertThat(reply.body().get("HasOptedOutOfEmail").asBoolean(true)).isFalse();
            assertThat(reply.body().get("CreatedDate").asText()).isEqualTo("2026-03-01T10:00:00.000+0000");
            assertThat(reply.body().get("Email").isNull()).isTrue();
        }

        @Test
        void getWithFieldsReturnsOnlyThoseInCanonicalSpelling() throws Exception {
            String id = emulator.createContact(Map.of("LastName", "Lovelace", "Email", "ada@example.com"));

            Reply reply = get(V + "sobjects/Contact/" + id.substring(0, 15) + "?fields=email,HASOPTEDOUTOFEMAIL", token());

            List<String> names = new ArrayList<>();
            reply.body().fieldNames().forEachRemaining(names::add);
            assertThat(names).containsExactly("attributes", "Email", "HasOptedOutOfEmail");
        }

        @Test
        void unknownIdsMalformedIdsUnknownObjectsAndUnknownFieldsAreRefused() throws Exception {
            String token = token();
            String id = emulator.createContact(Map.of("LastName", "Lovelace"));
            assertRestError(get(V + "sobjects/Contact/" + SalesforceIds.to18("0035e0000099999"), token), 404, "NOT_FOUND");
            assertRestError(get(V + "sobjects/Contact/12345", token), 404, "MALFORMED_ID");
            assertRestError(get(V + "sobjects/Lead/" + id, token), 404, "NOT_FOUND");
            assertRestError(get(V + "sobjects/Contact/" + id + "?fields=Shoe_Size__c", token), 400, "INVALID_FIELD");
            assertRestError(get("/services/data/v12.0/sobjects/Contact/" + id, token), 404, "NOT_FOUND");
        }

        @Test
        void postCreatesAContactAndCommitsIt() throws Exception {
            Reply reply = call("POST", V + "sobjects/Contact/",
                    Map.of("FirstName", "Ada", "LastName", "Lovelace", "Email", "ada@example.com"));

            assertThat(reply.status()).isEqualTo(201);
            String id = reply.body().get("id").asText();
            assertThat(reply.body().get("success").asBoolean()).isTrue();
            assertThat(reply.body().get("errors")).isEmpty();
            assertThat(emulator.getContact(id)).hasValueSatisfying(c -> assertThat(c).containsEntry("Email", "ada@example.com"));
            assertThat(commits).singleElement().satisfies(c -> {
                assertThat(c.changeType()).isEqualTo("CREATE");
                assertThat(c.recordIds()).containsExactly(id);
                assertThat(c.changeOrigin()).isEqualTo("com/salesforce/api/rest/64.0");
            });
        }

        @Test
        void postWithoutLastNameOrWithAReadOnlyFieldIsRefused() throws Exception {
            assertRestError(call("POST", V + "sobjects/Contact", Map.of("FirstName", "Ada")), 400,
                    "REQUIRED_FIELD_MISSING");
            assertRestError(call("POST", V + "sobjects/Contact", Map.of("LastName", "L", "CreatedDate",
                    "2020-01-01T00:00:00.000+0000")), 400, "INVALID_FIELD_FOR_INSERT_UPDATE");
            assertRestError(call("POST", V + "sobjects/Contact", Map.of("LastName", "L", "Shoe__c", "9")), 400,
                    "INVALID_FIELD");
            assertThat(commits).isEmpty();
        }

        @Test
        void patchOfAnUnrelatedFieldCommitsWithoutTheOptOutFlag() throws Exception {
            String id = emulator.createContact(Map.of("LastName", "Lovelace", "Title", "Countess"));
            commits.clear();
            clock.advance(Duration.ofMinutes(1));

            Reply reply = call("PATCH", V + "sobjects/Contact/" + id, Map.of("Title", "Analyst"));

            assertThat(reply.status()).isEqualTo(204);
            assertThat(commits).singleElement().satisfies(c -> {
                assertThat(c.changeType()).isEqualTo("UPDATE");
                assertThat(c.changedFields()).contains("Title").doesNotContain("HasOptedOutOfEmail");
                assertThat(c.values()).containsEntry("Title", "Analyst");
            });
        }

        @Test
        void patchNamesTheClientInTheChangeOriginWhenTheCallOptionsDo() throws Exception {
            String id = emulator.createContact(Map.of("LastName", "Lovelace"));
            commits.clear();

            call("PATCH", V + "sobjects/Contact/" + id, Map.of("HasOptedOutOfEmail", true),
                    "Sforce-Call-Options", "client=DataLoaderBulk");

            assertThat(commits).singleElement().extracting(ContactChangeCommit::changeOrigin)
                    .isEqualTo("com/salesforce/api/rest/64.0;client=DataLoaderBulk");
        }

        @Test
        void patchThatChangesNothingCommitsNothing() throws Exception {
            String id = emulator.createContact(Map.of("LastName", "Lovelace"));
            commits.clear();

            assertThat(call("PATCH", V + "sobjects/Contact/" + id, Map.of("HasOptedOutOfEmail", false)).status())
                    .isEqualTo(204);
            assertThat(commits).isEmpty();
        }

        @Test
        void concurrentUpdatesReachTheSinkInCommitOrder() throws Exception {
            List<String> ids = emulator.seedContacts(40, 9);
            commits.clear();
            String token = token();
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (String id : ids) {
                calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + V + "sobjects/Contact/" + id))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"Title\":\"Regent\"}")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            calls.forEach(call -> assertThat(call.join().statusCode()).isEqualTo(204));

            assertThat(commits).hasSize(40);
            assertThat(commits).extracting(ContactChangeCommit::commitNumber).isSorted().doesNotHaveDuplicates();
            assertThat(commits).flatExtracting(ContactChangeCommit::recordIds).containsExactlyInAnyOrderElementsOf(ids);
        }

        @Test
        void versionsAndDescribeAreServed() throws Exception {
            Reply versions = send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/services/data/")).GET());
            assertThat(versions.status()).isEqualTo(200);
            assertThat(versions.body().findValuesAsText("version")).contains("64.0");

            Reply describe = get(V + "sobjects/Contact/describe", token());
            assertThat(describe.body().get("fields").findValuesAsText("name"))
                    .contains("Id", "HasOptedOutOfEmail", "FirstName", "Ascend_Id__c");
        }
    }

    // --- sObject Collections -------------------------------------------------------------------------------

    @Nested
    class Collections {

        private Map<String, Object> record(String id, Map<String, Object> fields) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("attributes", Map.of("type", "Contact"));
            record.put("id", id);
            record.putAll(fields);
            return record;
        }

        @Test
        void compositeUpdateOfFiftyContactsIsOneCommitWithFiftyRecordIds() throws Exception {
            List<String> ids = emulator.seedContacts(50, 7);
            ids.forEach(id -> emulator.updateContact(id, Map.of("HasOptedOutOfEmail", false)));
            commits.clear();
            clock.advance(Duration.ofMinutes(1));
            List<Object> records = new ArrayList<>();
            ids.forEach(id -> records.add(record(id, Map.of("HasOptedOutOfEmail", true))));

            Reply reply = call("PATCH", V + "composite/sobjects", Map.of("allOrNone", true, "records", records));

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).hasSize(50).allSatisfy(r -> assertThat(r.get("success").asBoolean()).isTrue());
            assertThat(commits).singleElement().satisfies(c -> {
                assertThat(c.recordIds()).containsExactlyElementsOf(ids);
                // Salesforce stamps LastModifiedDate on every change and CDC lists it among the changed fields.
                assertThat(c.changedFields()).containsExactly("HasOptedOutOfEmail", "LastModifiedDate");
                assertThat(c.values()).containsEntry("HasOptedOutOfEmail", true);
            });
        }

        @Test
        void allOrNoneRollsEveryRecordBackWhenOneFails() throws Exception {
            String id = emulator.createContact(Map.of("LastName", "Lovelace"));
            commits.clear();

            Reply reply = call("PATCH", V + "composite/sobjects", Map.of("allOrNone", true, "records", List.of(
                    record(id, Map.of("HasOptedOutOfEmail", true)),
                    record("003bogus", Map.of("HasOptedOutOfEmail", true)))));

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body().get(0).get("errors").get(0).get("statusCode").asText())
                    .isEqualTo("ALL_OR_NONE_OPERATION_ROLLED_BACK");
            assertThat(reply.body().get(1).get("errors").get(0).get("statusCode").asText()).isEqualTo("MALFORMED_ID");
            assertThat(commits).isEmpty();
            assertThat(emulator.getContact(id).orElseThrow()).containsEntry("HasOptedOutOfEmail", false);
        }

        @Test
        void withoutAllOrNoneTheValidRecordsAreSaved() throws Exception {
            String id = emulator.createContact(Map.of("LastName", "Lovelace"));
            commits.clear();

            Reply reply = call("PATCH", V + "composite/sobjects", Map.of("allOrNone", false, "records", List.of(
                    record(id, Map.of("HasOptedOutOfEmail", true)),
                    record(SalesforceIds.to18("0035e0000099999"), Map.of("HasOptedOutOfEmail", true)))));

            assertThat(reply.body().get(0).get("success").asBoolean()).isTrue();
            assertThat(reply.body().get(1).get("errors").get(0).get("statusCode").asText())
                    .isEqualTo("INVALID_CROSS_REFERENCE_KEY");
            assertThat(commits).singleElement().satisfies(c -> assertThat(c.recordIds()).containsExactly(id));
        }

        @Test
        void moreThanTwoHundredRecordsAreRefused() throws Exception {
            List<Object> records = new ArrayList<>();
            emulator.seedContacts(201, 3).forEach(id -> records.add(record(id, Map.of("Title", "x"))));

            assertRestError(call("PATCH", V + "composite/sobjects", Map.of("allOrNone", false, "records", records)),
                    400, "EXCEEDED_ID_LIMIT");
        }
    }

    // --- SOQL ----------------------------------------------------------------------------------------------

    @Nested
    class Query {

        private String q(String soql) {
            return URLEncoder.encode(soql, StandardCharsets.UTF_8);
        }

        /** Follows nextRecordsUrl the way camel-salesforce's queryMore does: instance URL + the relative URL. */
        private List<JsonNode> allPages(Reply first, String token, String... headers) throws Exception {
            List<JsonNode> pages = new ArrayList<>(List.of(first.body()));
            while (!pages.get(pages.size() - 1).get("done").asBoolean()) {
                String next = pages.get(pages.size() - 1).get("nextRecordsUrl").asText();
                assertThat(next).matches("/services/data/v64\\.0/query/01g\\w{15}-\\d+");
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator.baseUrl() + next))
                        .header("Authorization", "Bearer " + token);
                if (headers.length > 0) {
                    request.headers(headers);
                }
                pages.add(send(request).body());
            }
            return pages;
        }

        @Test
        void queryReturnsSelectedFieldsInCanonicalSpelling() throws Exception {
            String id = emulator.createContact(Map.of("FirstName", "Ada", "LastName", "Lovelace",
                    "Email", "ada@example.com"));

            Reply reply = get(V + "query/?q=" + q("select id, email, name from contact where email = 'ADA@example.com'"),
                    token());

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body().get("totalSize").asInt()).isEqualTo(1);
            assertThat(reply.body().get("done").asBoolean()).isTrue();
            assertThat(reply.body().has("nextRecordsUrl")).isFalse();
            JsonNode record = reply.body().get("records").get(0);
            List<String> names = new ArrayList<>();
            record.fieldNames().forEachRemaining(names::add);
            assertThat(names).containsExactly("attributes", "Id", "Email", "Name");
            assertThat(record.get("Id").asText()).isEqualTo(id);
            assertThat(record.get("attributes").get("url").asText()).isEqualTo(V + "sobjects/Contact/" + id);
        }

        /** A GET of {@code SELECT Id FROM Contact WHERE Id IN (...)} naming {@code ids} made-up 18-character ids. */
        private String idQuery(int ids) {
            List<String> quoted = new ArrayList<>();
            for (int i = 0; i < ids; i++) {
                quoted.add("'" + SalesforceIds.to18(String.format("003Dn%010d", i)) + "'");
            }
            return V + "query?q=" + q("SELECT Id FROM Contact WHERE Id IN (" + String.join(",", quoted) + ")");
        }

        private HttpResponse<String> rawGet(String path, String token, String... headers) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator.baseUrl() + path))
                    .header("Authorization", "Bearer " + token).GET();
            if (headers.length > 0) {
                request.headers(headers);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        @Test
        void aUriOver16384BytesIsRefusedWith414AndAUriThatFitsWithTooManyHeaderBytesWith431() throws Exception {
            String token = token();
            String fits = idQuery(500);
            String tooLong = idQuery(700);
            String farTooLong = idQuery(4_000);
            assertThat(fits.length()).isBetween(12_000, 15_000);
            assertThat(tooLong.length()).isGreaterThan(16_384);
            assertThat(farTooLong.length()).isGreaterThan(100_000);

            assertThat(rawGet(fits, token).statusCode()).isEqualTo(200);
            // Salesforce answers, it does not drop the connection: the client sees the status and can say why.
            assertThat(rawGet(tooLong, token).statusCode()).isEqualTo(414);
            assertThat(rawGet(farTooLong, token).statusCode()).isEqualTo(414);
            assertThat(rawGet(fits, token, "X-Padding", "p".repeat(16_384 - fits.length())).statusCode())
                    .isEqualTo(431);
        }

        @Test
        void batchSizeHeaderPagesTheResultThroughNextRecordsUrl() throws Exception {
            Set<String> seeded = new HashSet<>(emulator.seedContacts(450, 11));
            String token = token();
            String[] options = {"Sforce-Query-Options", "batchSize=200"};

            Reply first = send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + V + "query?q="
                    + q("SELECT Id FROM Contact ORDER BY LastName, FirstName"))).header("Authorization", "Bearer " + token)
                    .headers(options));
            List<JsonNode> pages = allPages(first, token, options);

            assertThat(pages).extracting(p -> p.get("records").size()).containsExactly(200, 200, 50);
            assertThat(pages).allSatisfy(p -> assertThat(p.get("totalSize").asInt()).isEqualTo(450));
            Set<String> ids = new HashSet<>();
            pages.forEach(p -> p.get("records").forEach(r -> ids.add(r.get("Id").asText())));
            assertThat(ids).isEqualTo(seeded);
        }

        @Test
        void configuredPageSizeAppliesWithoutABatchSize() throws Exception {
            emulator.stop();
            emulator = new SalesforceHttpEmulator(commits::add, config.withPageSize(100));
            emulator.start();
            emulator.seedContacts(250, 5);
            String token = token();

            List<JsonNode> pages = allPages(get(V + "query?q=" + q("SELECT Id, Email FROM Contact"), token), token);

            assertThat(pages).extracting(p -> p.get("records").size()).containsExactly(100, 100, 50);
        }

        @Test
        void limitAndWhereNarrowTheResult() throws Exception {
            emulator.seedContacts(300, 13);
            long optedOut = emulator.allContacts().stream().filter(c -> (Boolean) c.get("HasOptedOutOfEmail")).count();

            Reply all = get(V + "query?q=" + q("SELECT Id FROM Contact WHERE HasOptedOutOfEmail = true"), token());
            Reply limited = get(V + "query?q=" + q("SELECT Id FROM Contact WHERE HasOptedOutOfEmail = true "
                    + "AND LastModifiedDate >= 2026-03-01T03:00:00-07:00 LIMIT 3"), token());

            assertThat(optedOut).isGreaterThan(3);
            assertThat(all.body().get("totalSize").asLong()).isEqualTo(optedOut);
            assertThat(limited.body().get("totalSize").asInt()).isEqualTo(3);
        }

        @Test
        void badQueriesAreRefusedLikeSalesforce() throws Exception {
            String token = token();
            assertRestError(get(V + "query?q=" + q("SELECT Id FROM Contact WHERE"), token), 400, "MALFORMED_QUERY");
            assertRestError(get(V + "query?q=" + q("SELECT Shoe__c FROM Contact"), token), 400, "INVALID_FIELD");
            assertRestError(get(V + "query?q=" + q("SELECT Id FROM Lead"), token), 400, "INVALID_TYPE");
            assertRestError(get(V + "query/01g5e0000000001AAA-2000", token), 400, "INVALID_QUERY_LOCATOR");
        }
    }
}
