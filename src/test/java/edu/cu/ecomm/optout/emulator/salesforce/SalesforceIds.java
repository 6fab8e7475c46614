package edu.cu.ecomm.optout.emulator.salesforce;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Record ids in Salesforce's format: a 3-character key prefix naming the object ({@code 003} Contact,
 * {@code 005} User, {@code 00D} organisation), a 2-character instance and a reserved character, 9 base-62
 * characters unique within the org, and a 3-character suffix that encodes the case of the first 15 so the id
 * survives case-insensitive systems. The service stores and compares 18-character ids, so the emulator must
 * issue ids whose suffix a real client would accept.
 */
final class SalesforceIds {

    static final String CONTACT_PREFIX = "003";
    static final String USER_PREFIX = "005";
    static final String ORG_PREFIX = "00D";

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    private static final String INSTANCE = "5e0";

    private final String instance;
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();

    SalesforceIds() {
        this(INSTANCE);
    }

    /** Ids on another instance (3 characters: 2 for the instance, 1 reserved), so never equal to the default's. */
    SalesforceIds(String instance) {
        if (instance.length() != 3) {
            throw new IllegalArgumentException("instance must be 3 characters: " + instance);
        }
        this.instance = instance;
    }

    /**
     * The next id for {@code keyPrefix}. Ids of one prefix sort in issue order (the base-62 alphabet is in
     * ASCII order and the counter is fixed-width), which is how SOQL orders rows without ORDER BY.
     */
    String next(String keyPrefix) {
        long n = counters.computeIfAbsent(keyPrefix, k -> new AtomicLong()).incrementAndGet();
        return to18(keyPrefix + instance + base62(n, 9));
    }

    /** How many ids of each key prefix were issued, for an org restarted by {@link #continueAfter}. */
    Map<String, Long> issued() {
        Map<String, Long> issued = new TreeMap<>();
        counters.forEach((prefix, counter) -> issued.put(prefix, counter.get()));
        return issued;
    }

    /** Goes on after the ids a previous run of the org issued, so no id is issued twice. */
    void continueAfter(Map<String, Long> issued) {
        issued.forEach((prefix, count) -> counters.computeIfAbsent(prefix, k -> new AtomicLong())
                .accumulateAndGet(count, Math::max));
    }

    /** The 18-character form of a 15-character id. */
    static String to18(String id15) {
        if (id15.length() != 15 || !isAlphanumeric(id15)) {
            throw new IllegalArgumentException("not a 15-character id: " + id15);
        }
        StringBuilder id = new StringBuilder(id15);
        for (int chunk = 0; chunk < 3; chunk++) {
            int bits = 0;
            for (int i = 0; i < 5; i++) {
                char c = id15.charAt(chunk * 5 + i);
                if (c >= 'A' && c <= 'Z') {
                    bits |= 1 << i;
                }
            }
            id.append(SUFFIX_ALPHABET.charAt(bits));
        }
        return id.toString();
    }

    /**
     * The 18-character id for {@code id} when it is a well-formed id with key prefix {@code keyPrefix}:
     * 15 characters, or 18 whose suffix matches (Salesforce compares the suffix case-insensitively).
     */
    static Optional<String> normalize(String id, String keyPrefix) {
        return id == null || !id.startsWith(keyPrefix) ? Optional.empty() : normalize(id);
    }

    /** The 18-character id for a well-formed id of any object; empty when it is not one. */
    static Optional<String> normalize(String id) {
        if (id == null || !isAlphanumeric(id)) {
            return Optional.empty();
        }
        if (id.length() == 15) {
            return Optional.of(to18(id));
        }
        if (id.length() == 18) {
            String expected = to18(id.substring(0, 15));
            return expected.substring(15).equals(id.substring(15).toUpperCase(Locale.ROOT))
                    ? Optional.of(expected) : Optional.empty();
        }
        return Optional.empty();
    }

    private static String base62(long n, int width) {
        char[] digits = new char[width];
        for (int i = width - 1; i >= 0; i--) {
            digits[i] = BASE62.charAt((int) (n % 62));
            n /= 62;
        }
        if (n != 0) {
            throw new IllegalStateException("id space exhausted");
        }
        return new String(digits);
    }

    private static boolean isAlphanumeric(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) {
                return false;
            }
        }
        return !s.isEmpty();
    }
}
