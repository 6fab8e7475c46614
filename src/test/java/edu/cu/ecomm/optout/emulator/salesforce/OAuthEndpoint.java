package edu.cu.ecomm.optout.emulator.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /services/oauth2/token} and {@code /services/oauth2/revoke} of the emulated org: the grants
 * camel-salesforce logs in with (client credentials, username-password, JWT bearer), answering with
 * Salesforce's success and error bodies so the client's login parsing runs unchanged.
 */
final class OAuthEndpoint implements HttpHandler {

    static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    /** Who may log in: one connected app and one integration user, as the service is configured. */
    record Credentials(String clientId, String clientSecret, String username, String password) {
    }

    private final Credentials credentials;
    private final String orgId;
    private final String userId;
    private final AccessTokens tokens;
    private final Clock clock;
    private final Supplier<String> baseUrl;

    OAuthEndpoint(Credentials credentials, String orgId, String userId, AccessTokens tokens, Clock clock,
                  Supplier<String> baseUrl) {
        this.credentials = credentials;
        this.orgId = orgId;
        this.userId = userId;
        this.tokens = tokens;
        this.clock = clock;
        this.baseUrl = baseUrl;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/services/oauth2/token") && exchange.getRequestMethod().equals("POST")) {
                token(exchange, Exchanges.form(Exchanges.body(exchange)));
            } else if (path.equals("/services/oauth2/revoke")) {
                revoke(exchange);
            } else {
                Exchanges.sendError(exchange, SalesforceApiException.notFound());
            }
        }
    }

    private void token(HttpExchange exchange, Map<String, String> form) throws IOException {
        String grantType = form.getOrDefault("grant_type", "");
        switch (grantType) {
            case "client_credentials" -> {
                if (!clientAuthenticates(form)) {
                    oauthError(exchange, "invalid_client", "invalid client credentials");
                } else {
                    issue(exchange);
                }
            }
            case "password" -> {
                if (!clientAuthenticates(form)) {
                    oauthError(exchange, "invalid_client", "invalid client credentials");
                } else if (!credentials.username().equals(form.get("username"))
                        || !credentials.password().equals(form.get("password"))) {
                    oauthError(exchange, "invalid_grant", "authentication failure");
                } else {
                    issue(exchange);
                }
            }
            case JWT_BEARER -> jwtBearer(exchange, form.get("assertion"));
            default -> oauthError(exchange, "unsupported_grant_type", "grant type not supported");
        }
    }

    private boolean clientAuthenticates(Map<String, String> form) {
        return credentials.clientId().equals(form.get("client_id"))
                && credentials.clientSecret().equals(form.get("client_secret"));
    }

    /**
     * Accepts a JWT whose claims name the connected app ({@code iss}) and the integration user ({@code sub})
     * and that has not expired. The signature is only checked to be present: the emulator holds no
     * certificate for the connected app, and what it must prove is that the client builds and sends the
     * assertion the way Salesforce expects, not the client's key handling.
     */
    private void jwtBearer(HttpExchange exchange, String assertion) throws IOException {
        JsonNode claims = jwtClaims(assertion);
        if (claims == null) {
            oauthError(exchange, "invalid_grant", "invalid assertion");
            return;
        }
        if (!credentials.clientId().equals(claims.path("iss").asText())) {
            oauthError(exchange, "invalid_client", "invalid client credentials");
            return;
        }
        // camel-salesforce writes exp as a JSON string, the JWT spec as a number: accept both.
        long exp = claims.path("exp").asLong(0);
        if (!credentials.username().equals(claims.path("sub").asText())
                || !claims.hasNonNull("aud") || exp * 1000 < clock.millis()) {
            oauthError(exchange, "invalid_grant", "invalid assertion");
            return;
        }
        issue(exchange);
    }

    /** The claims of a three-part JWT with an RS256 header, or null when it is not one. */
    private static JsonNode jwtClaims(String assertion) {
        if (assertion == null) {
            return null;
        }
        String[] parts = assertion.split("\\.", -1);
        if (parts.length != 3 || parts[2].isEmpty()) {
            return null;
        }
        try {
            // The URL-safe decoder accepts the padded segments camel-salesforce sends as well as unpadded ones.
            JsonNode header = Exchanges.JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            JsonNode claims = Exchanges.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            Base64.getUrlDecoder().decode(parts[2]);
            return "RS256".equals(header.path("alg").asText()) && claims.isObject() ? claims : null;
        } catch (IllegalArgumentException | IOException e) {
            return null;
        }
    }

    private void issue(HttpExchange exchange) throws IOException {
        String base = baseUrl.get();
        String id = base + "/id/" + orgId + "/" + userId;
        String issuedAt = Long.toString(clock.millis());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", tokens.issue());
        body.put("signature", signature(id + issuedAt));
        body.put("scope", "api");
        body.put("instance_url", base);
        body.put("id", id);
        body.put("token_type", "Bearer");
        body.put("issued_at", issuedAt);
        Exchanges.sendJson(exchange, 200, body);
    }

    /** Salesforce signs {@code id + issued_at} with the consumer secret so a client can verify the response. */
    private String signature(String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(credentials.clientSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Token in the query string (camel-salesforce's logout) or in a form body, as Salesforce accepts both. */
    private void revoke(HttpExchange exchange) throws IOException {
        Map<String, String> params = Exchanges.form(exchange.getRequestURI().getRawQuery());
        if (exchange.getRequestMethod().equals("POST")) {
            Exchanges.form(Exchanges.body(exchange)).forEach(params::putIfAbsent);
        }
        if (tokens.revoke(params.get("token"))) {
            Exchanges.sendEmpty(exchange, 200);
        } else {
            oauthError(exchange, "unsupported_token_type", "this token type is not supported");
        }
    }

    private static void oauthError(HttpExchange exchange, String error, String description) throws IOException {
        Exchanges.sendJson(exchange, 400, Map.of("error", error, "error_description", description));
    }
}
