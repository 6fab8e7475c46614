package edu.cu.ecomm.optout.intake;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Whether a SOQL query fits in one Salesforce request. camel-salesforce sends {@code salesforce:query} as a GET
 * with the query, URL-encoded, in the URI; Salesforce refuses a request whose URI and headers take more than
 * 16,384 bytes (414 URI Too Long or 431), whatever is retried. A query naming many ids in {@code Id IN (...)} comes
 * close: each 18-character id takes 27 bytes once quoted, separated and encoded, so the bean building one checks
 * at start-up that its largest query fits.
 */
public final class SoqlGetLimit {

    /** Salesforce's limit on a request's URI and headers together. */
    public static final int SALESFORCE_URI_AND_HEADER_BYTES = 16_384;
    /**
     * What the headers camel-salesforce sends may take (Authorization with a token of about 112 characters, Host,
     * Accept, Accept-Encoding, User-Agent, Content-Type: some 400 bytes), with room to spare.
     */
    static final int HEADER_ALLOWANCE = 2_048;
    /** The most a query's URI may take. */
    public static final int MAX_URI_BYTES = SALESFORCE_URI_AND_HEADER_BYTES - HEADER_ALLOWANCE;
    /** The path camel-salesforce puts before the query, with the longest API version it may name. */
    private static final String QUERY_PATH = "/services/data/v99.0/query/?q=";

    private SoqlGetLimit() {
    }

    /** The bytes of the URI camel-salesforce sends for this query (it encodes spaces as {@code %20}). */
    public static int uriBytes(String soql) {
        return QUERY_PATH.length() + URLEncoder.encode(soql, StandardCharsets.UTF_8).replace("+", "%20").length();
    }

    public static boolean fits(String soql) {
        return uriBytes(soql) <= MAX_URI_BYTES;
    }

    /** {@code count} distinct ids as long as Salesforce writes them (18 characters), to size a query before any runs. */
    public static List<String> longestIds(int count) {
        return IntStream.range(0, count).mapToObj(i -> String.format("003%015d", i)).toList();
    }
}
