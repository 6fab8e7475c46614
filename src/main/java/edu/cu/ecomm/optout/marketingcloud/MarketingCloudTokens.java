package edu.cu.ecomm.optout.marketingcloud;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Access tokens for Marketing Cloud's APIs, from the installed package's client credentials
 * ({@code POST {auth-base-url}/v2/token}). Keeps one token and renews it shortly before it expires, or at once
 * when Marketing Cloud rejects it ({@link #invalidate}). Neither the secret nor a token is ever logged or put in
 * an exception message.
 */
public class MarketingCloudTokens {

    /** A token with the instance URLs Marketing Cloud issued it for. {@link #toString()} hides the token. */
    public record AccessToken(String value, String soapInstanceUrl, String restInstanceUrl, Instant expiresAt) {

        /** The SOAP endpoint of this tenant: {@code {soap_instance_url}/Service.asmx}. */
        public URI soapEndpoint() {
            String base = soapInstanceUrl.endsWith("/") ? soapInstanceUrl : soapInstanceUrl + "/";
            return URI.create(base + "Service.asmx");
        }

        @Override
        public String toString() {
            return "AccessToken{soapInstanceUrl=" + soapInstanceUrl + ", expiresAt=" + expiresAt + "}";
        }
    }

    private final MarketingCloudProperties properties;
    private final HttpClient http;
    private final ObjectMapper json;
    private final Clock clock;
    private AccessToken current;

    public MarketingCloudTokens(MarketingCloudProperties properties, HttpClient http, ObjectMapper json, Clock clock) {
        this.properties = properties;
        this.http = http;
        this.json = json;
        this.clock = clock;
    }

    /** A token valid for at least the configured refresh margin, requesting a new one when needed. */
    public synchronized AccessToken current() {
        if (current == null || !clock.instant().plus(properties.getTokenRefreshMargin()).isBefore(current.expiresAt())) {
            current = requestToken();
        }
        return current;
    }

    /** Forgets {@code rejected} (Marketing Cloud answered "Token Expired" or "Login Failed") so the next call renews. */
    public synchronized void invalidate(AccessToken rejected) {
        if (current != null && current.value().equals(rejected.value())) {
            current = null;
        }
    }

    private AccessToken requestToken() {
        URI tokenUri = tokenUri();
        ObjectNode body = json.createObjectNode()
                .put("grant_type", "client_credentials")
                .put("client_id", properties.getClientId())
                .put("client_secret", properties.getClientSecret());
        if (properties.getAccountId() != null) {
            body.put("account_id", properties.getAccountId());
        }
        HttpRequest request = HttpRequest.newBuilder(tokenUri)
                .timeout(properties.getRequestTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                .build();
        Instant requestedAt = clock.instant();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new MarketingCloudException("Marketing Cloud authentication did not answer within "
                    + properties.getRequestTimeout() + " (" + tokenUri + ")", e);
        } catch (IOException e) {
            throw new MarketingCloudException("Marketing Cloud authentication unreachable at " + tokenUri + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MarketingCloudException("Interrupted while requesting a Marketing Cloud token", e);
        }
        JsonNode answer = parse(response.body());
        if (response.statusCode() != 200) {
            String error = answer == null ? "" : " " + answer.path("error").asText("") + ": "
                    + answer.path("error_description").asText("");
            throw new MarketingCloudException("Marketing Cloud refused the token request for client id "
                    + properties.getClientId() + " (HTTP " + response.statusCode() + error.stripTrailing() + ")");
        }
        if (answer == null || !answer.hasNonNull("access_token") || !answer.hasNonNull("soap_instance_url")) {
            throw new MarketingCloudException("Marketing Cloud token response lacks access_token or soap_instance_url");
        }
        long expiresIn = answer.path("expires_in").asLong(0);
        return new AccessToken(answer.get("access_token").asText(), answer.get("soap_instance_url").asText(),
                answer.path("rest_instance_url").asText(null), requestedAt.plus(Duration.ofSeconds(expiresIn)));
    }

    private URI tokenUri() {
        String base = properties.getAuthBaseUrl();
        if (base == null || base.isBlank()) {
            throw new MarketingCloudException("optout.marketing-cloud.auth-base-url is not configured");
        }
        return URI.create(base.endsWith("/") ? base + "v2/token" : base + "/v2/token");
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : json.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
