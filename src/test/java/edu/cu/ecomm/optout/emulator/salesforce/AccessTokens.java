package edu.cu.ecomm.optout.emulator.salesforce;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The access tokens the emulated org has issued, each valid until it expires or is revoked. Both the REST
 * side ({@code Authorization: Bearer}) and the Pub/Sub side (gRPC metadata) check against this one record,
 * so revoking or expiring a token cuts off both, as in Salesforce.
 */
final class AccessTokens implements IssuedTokens {

    private final String orgId;
    private final Clock clock;
    private final Duration lifetime;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> expiryByToken = new ConcurrentHashMap<>();
    private final Set<String> everIssued = ConcurrentHashMap.newKeySet();

    AccessTokens(String orgId, Clock clock, Duration lifetime) {
        this.orgId = orgId;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** A new token shaped like Salesforce's: the 15-character org id, {@code !}, then opaque characters. */
    String issue() {
        byte[] secret = new byte[72];
        random.nextBytes(secret);
        String token = orgId.substring(0, 15) + "!" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        expiryByToken.put(token, clock.instant().plus(lifetime));
        everIssued.add(token);
        return token;
    }

    /** Every token issued so far, live or not (for tests that look for them where they must not be). */
    Set<String> everIssued() {
        return Set.copyOf(everIssued);
    }

    boolean isValid(String token) {
        Instant expiry = token == null ? null : expiryByToken.get(token);
        return expiry != null && clock.instant().isBefore(expiry);
    }

    @Override
    public boolean isValid(String accessToken, String tenantId) {
        return orgId.equals(tenantId) && isValid(accessToken);
    }

    /** True when the token was live and is now revoked. */
    boolean revoke(String token) {
        return token != null && expiryByToken.remove(token) != null;
    }

    /** Ends every session at once, as an admin's "revoke all" or a long idle period would. */
    void expireAll() {
        expiryByToken.clear();
    }
}
