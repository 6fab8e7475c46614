package edu.cu.ecomm.optout.emulator.salesforce;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Salesforce's limit on the size of a request: the URI and the headers together may take at most 16,384 bytes
 * (Salesforce Help, "Maximum number of rows returned by SOQL queries over the REST API"). A URI over it alone is
 * answered 414 URI Too Long, a request whose URI fits but not with its headers 431 Request Header Fields Too Large,
 * before any authentication. This matters because camel-salesforce sends a SOQL query as a GET: a query naming too
 * many ids or fields never reaches the API.
 *
 * <p>The JDK's server reads a request's line and headers up to {@code sun.net.httpserver.maxReqHeaderSize} (384 KiB
 * by default) and drops the connection beyond it, so the emulator answers 414 to URIs from 16 KiB to about 384 KiB;
 * the service's SOQL GETs are kept far below both.
 */
final class RequestSizeLimit extends Filter {

    static final int MAX_URI_AND_HEADER_BYTES = 16_384;

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        int uriBytes = exchange.getRequestURI().toString().getBytes(StandardCharsets.UTF_8).length;
        if (uriBytes > MAX_URI_AND_HEADER_BYTES) {
            refuse(exchange, 414, "URI Too Long");
        } else if (uriBytes + headerBytes(exchange) > MAX_URI_AND_HEADER_BYTES) {
            refuse(exchange, 431, "Request Header Fields Too Large");
        } else {
            chain.doFilter(exchange);
        }
    }

    @Override
    public String description() {
        return "Salesforce's 16,384-byte limit on a request's URI and headers";
    }

    /** Each header line as sent: {@code Name: value} and its CRLF. */
    private static int headerBytes(HttpExchange exchange) {
        int bytes = 0;
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            for (String value : header.getValue()) {
                bytes += header.getKey().length() + 2 + value.getBytes(StandardCharsets.UTF_8).length + 2;
            }
        }
        return bytes;
    }

    /** A plain-text refusal, as the front end that refuses these answers (no REST error body: the API never ran). */
    private static void refuse(HttpExchange exchange, int status, String reason) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            byte[] body = (status + " " + reason).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain;charset=UTF-8");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
    }
}
