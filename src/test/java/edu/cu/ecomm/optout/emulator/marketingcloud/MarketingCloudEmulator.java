package edu.cu.ecomm.optout.emulator.marketingcloud;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Salesforce Marketing Cloud as the service sees it, over real sockets: the OAuth 2 token endpoint
 * ({@code POST /v2/token}, client credentials, optional {@code account_id}) and the SOAP partner API
 * ({@code POST /Service.asmx}, {@code fueloauth} header) with Retrieve, Create and Update of {@code Subscriber},
 * following Marketing Cloud's WSDL. One server answers both; the token response's {@code soap_instance_url} and
 * {@code rest_instance_url} point back at it.
 *
 * <p>Subscribers live per business unit (a parent and its children). Tests arrange them with {@link #seed}
 * or SOAP Create/Update, and break the service with {@link #failNextRequests}, {@link #setAvailable},
 * {@link #expireAllTokens} or {@link #stop}.
 */
public class MarketingCloudEmulator {

    public static final String LOCAL_HOST = "127.0.0.1";
    public static final int LOCAL_PORT = 18090;
    public static final String LOCAL_CLIENT_ID = "optout-sync-local";
    public static final String LOCAL_CLIENT_SECRET = "local-secret";
    public static final long PARENT_MID = 100000001L;
    public static final long BOULDER_MID = 100000002L;
    public static final long DENVER_MID = 100000003L;
    public static final List<String> STATUSES = List.of("Active", "Bounced", "Held", "Unsubscribed", "Deleted");
    /** Marketing Cloud's Retrieve page size. */
    public static final int DEFAULT_PAGE_SIZE = 2500;
    /** Marketing Cloud's tokens live about 20 minutes ({@code expires_in} 1079). */
    public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(1079);

    static final String SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String SOAP12 = "http://www.w3.org/2003/05/soap-envelope";
    /** The namespace of Marketing Cloud's authentication headers ({@code fueloauth}, legacy {@code oAuth}). */
    static final String EXACTTARGET = "http://exacttarget.com";

    /** Configures an emulator; {@link MarketingCloudEmulator#builder()} starts from the local defaults. */
    public static final class Builder {
        private String host = LOCAL_HOST;
        private int port = LOCAL_PORT;
        private String clientId = LOCAL_CLIENT_ID;
        private String clientSecret = LOCAL_CLIENT_SECRET;
        private final List<BusinessUnit> units = new ArrayList<>();
        private Duration tokenLifetime = DEFAULT_TOKEN_LIFETIME;
        private int pageSize = DEFAULT_PAGE_SIZE;

        private Builder() {
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** 0 picks a free port (tests). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder credentials(String clientId, String clientSecret) {
            this.clientId = clientId;
            this.clientSecret = clientSecret;
            return this;
        }

        /** Replaces the default units: the parent first, then its children. */
        public Builder businessUnits(long parentMid, String parentName, Map<Long, String> children) {
            units.clear();
            units.add(new BusinessUnit(parentMid, parentName, null));
            children.forEach((mid, name) -> units.add(new BusinessUnit(mid, name, parentMid)));
            return this;
        }

        public Builder tokenLifetime(Duration tokenLifetime) {
            this.tokenLifetime = tokenLifetime;
            return this;
        }

        public Builder pageSize(int pageSize) {
            this.pageSize = pageSize;
            return this;
        }

        public MarketingCloudEmulator build() {
            if (units.isEmpty()) {
                Map<Long, String> children = new LinkedHashMap<>();
                children.put(BOULDER_MID, "CU Boulder");
                children.put(DENVER_MID, "CU Denver");
                businessUnits(PARENT_MID, "CU System", children);
            }
            return new MarketingCloudEmulator(this);
        }
    }

    private record IssuedToken(long mid, Instant expiresAt) {
    }

    private record Continuation(List<EmulatedSubscriber> rows, List<String> properties, int offset) {
    }

    private record SubscriberId(long mid, String keyLowerCase) {
    }

    private final String host;
    private final int configuredPort;
    private final String clientId;
    private final String clientSecret;
    private final List<BusinessUnit> units;
    private final ObjectMapper json = new ObjectMapper();
    private final SecureRandom random = new SecureRandom();

    private final Map<SubscriberId, EmulatedSubscriber> subscribers = new LinkedHashMap<>();
    private final AtomicLong nextSubscriberId = new AtomicLong(1000);
    private final Map<String, IssuedToken> tokens = new ConcurrentHashMap<>();
    private final Set<String> everIssued = ConcurrentHashMap.newKeySet();
    private final Map<String, Continuation> continuations = new ConcurrentHashMap<>();

    private volatile Duration tokenLifetime;
    private volatile int pageSize;
    private volatile boolean available = true;
    private final AtomicInteger failNext = new AtomicInteger();
    private final AtomicInteger passBeforeFailing = new AtomicInteger();

    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicInteger soapCalls = new AtomicInteger();
    private final AtomicInteger retrieveCalls = new AtomicInteger();
    private final AtomicInteger createCalls = new AtomicInteger();
    private final AtomicInteger updateCalls = new AtomicInteger();
    private final List<String> soapRequests = new CopyOnWriteArrayList<>();
    private volatile String lastSoapResponse;

    private HttpServer server;
    private ExecutorService executor;
    private int boundPort;

    private MarketingCloudEmulator(Builder builder) {
        this.host = builder.host;
        this.configuredPort = builder.port;
        this.clientId = builder.clientId;
        this.clientSecret = builder.clientSecret;
        this.units = List.copyOf(builder.units);
        this.tokenLifetime = builder.tokenLifetime;
        this.pageSize = builder.pageSize;
    }

    /** Local defaults: 127.0.0.1:18090, {@code optout-sync-local} / {@code local-secret}, CU System + Boulder + Denver. */
    public static Builder builder() {
        return new Builder();
    }

    /** The local defaults on a free port, for tests. */
    public static MarketingCloudEmulator forTests() {
        return builder().port(0).build();
    }

    /** The standalone emulator with the local defaults (and the demo mix of statuses for the keys given). */
    // --- lifecycle --------------------------------------------------------------------------------------------

    /** Binds and serves; after {@link #stop()} it binds the same port again. */
    public synchronized MarketingCloudEmulator start() throws IOException {
        if (server != null) {
            return this;
        }
        int port = boundPort != 0 ? boundPort : configuredPort;
        server = HttpServer.create(new InetSocketAddress(host, port), 50);
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "mc-emulator");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        boundPort = server.getAddress().getPort();
        return this;
    }

    /** Closes the socket: clients get "connection refused" until {@link #start()}. Data and counters are kept. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server = null;
        }
    }

    public int port() {
        return boundPort;
    }

    /** {@code http://127.0.0.1:port}: the auth base URL, and the SOAP/REST instance URL. */
    public String baseUrl() {
        return "http://" + host + ":" + boundPort;
    }

    public String clientId() {
        return clientId;
    }

    public String clientSecret() {
        return clientSecret;
    }

    public List<BusinessUnit> businessUnits() {
        return units;
    }

    public BusinessUnit parentUnit() {
        return units.get(0);
    }

    // --- test hooks -------------------------------------------------------------------------------------------

    /** The next {@code n} SOAP requests are answered with a Server fault (HTTP 500), as in an outage. */
    public void failNextRequests(int n) {
        failRequests(0, n);
    }

    /** Lets the next {@code passing} SOAP requests through, then answers {@code n} with a Server fault. */
    public synchronized void failRequests(int passing, int n) {
        passBeforeFailing.set(passing);
        failNext.set(n);
    }

    /** False: every request (token and SOAP) is answered HTTP 503 Service Unavailable. */
    public void setAvailable(boolean available) {
        this.available = available;
    }

    /** Every token issued so far is expired: SOAP calls with it get the "Token Expired" fault. */
    public void expireAllTokens() {
        Instant past = Instant.now().minusSeconds(1);
        tokens.replaceAll((token, issued) -> new IssuedToken(issued.mid(), past));
    }

    public void setTokenLifetime(Duration tokenLifetime) {
        this.tokenLifetime = tokenLifetime;
    }

    public void setPageSize(int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("page size must be positive");
        }
        this.pageSize = pageSize;
    }

    /** Every access token issued so far, live or not. */
    public Set<String> issuedTokens() {
        return Set.copyOf(everIssued);
    }

    public int tokenRequests() {
        return tokenRequests.get();
    }

    /** SOAP requests received, whatever their outcome (faults included). */
    public int soapCalls() {
        return soapCalls.get();
    }

    /** Retrieve requests received (first pages and ContinueRequests), whatever their outcome. */
    public int retrieveCalls() {
        return retrieveCalls.get();
    }

    public int createCalls() {
        return createCalls.get();
    }

    public int updateCalls() {
        return updateCalls.get();
    }

    /** The SOAP request bodies received, oldest first. */
    public List<String> soapRequests() {
        return List.copyOf(soapRequests);
    }

    public String lastSoapRequest() {
        return soapRequests.isEmpty() ? null : soapRequests.get(soapRequests.size() - 1);
    }

    public String lastSoapResponse() {
        return lastSoapResponse;
    }

    public void resetCounters() {
        tokenRequests.set(0);
        soapCalls.set(0);
        retrieveCalls.set(0);
        createCalls.set(0);
        updateCalls.set(0);
        soapRequests.clear();
        lastSoapResponse = null;
    }

    /** Creates or replaces the subscriber {@code subscriberKey} in business unit {@code mid}. */
    public EmulatedSubscriber seed(long mid, String subscriberKey, String emailAddress, String status) {
        unit(mid).orElseThrow(() -> new IllegalArgumentException("no business unit " + mid));
        requireStatus(status);
        synchronized (subscribers) {
            return put(mid, subscriberKey, emailAddress, status);
        }
    }

    /** The same subscriber with the same status in every business unit. */
    public void seedEverywhere(String subscriberKey, String emailAddress, String status) {
        for (BusinessUnit unit : units) {
            seed(unit.mid(), subscriberKey, emailAddress, status);
        }
    }

    /**
     * The demo mix: key i gets, in every unit, status {@code STATUSES[(i + unit index) % 4]} (Active, Bounced, Held,
     * Unsubscribed), except every fifth key, which is absent everywhere: every colour shows up.
     */
    public void seedDemo(Collection<String> subscriberKeys) {
        int i = 0;
        for (String key : subscriberKeys) {
            if (i % 5 != 4) {
                for (int u = 0; u < units.size(); u++) {
                    seed(units.get(u).mid(), key, key.toLowerCase(Locale.ROOT) + "@example.edu", STATUSES.get((i + u) % 4));
                }
            }
            i++;
        }
    }

    public Optional<EmulatedSubscriber> subscriber(long mid, String subscriberKey) {
        synchronized (subscribers) {
            return Optional.ofNullable(subscribers.get(new SubscriberId(mid, subscriberKey.toLowerCase(Locale.ROOT))));
        }
    }

    public List<EmulatedSubscriber> subscribers() {
        synchronized (subscribers) {
            return List.copyOf(subscribers.values());
        }
    }

    public void clearSubscribers() {
        synchronized (subscribers) {
            subscribers.clear();
        }
    }

    // --- HTTP -------------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = readAll(exchange.getRequestBody());
            if (!available) {
                send(exchange, 503, "text/html; charset=utf-8",
                        "<html><body><h1>Service Unavailable</h1></body></html>");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            boolean post = "POST".equals(exchange.getRequestMethod());
            if (path.equals("/v2/token") && post) {
                token(exchange, body);
            } else if (path.equalsIgnoreCase("/Service.asmx") && post) {
                soap(exchange, body);
            } else {
                send(exchange, 404, "application/json", "{\"message\":\"Not Found\",\"errorcode\":404}");
            }
        } catch (RuntimeException e) {
            send(exchange, 500, "text/plain", "emulator error: " + e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    // --- OAuth ------------------------------------------------------------------------------------------------

    private void token(HttpExchange exchange, byte[] body) throws IOException {
        tokenRequests.incrementAndGet();
        Map<String, String> params = tokenParameters(exchange, body);
        if (params == null) {
            oauthError(exchange, 400, "invalid_request", "Request body is not valid JSON.");
            return;
        }
        if (!"client_credentials".equals(params.get("grant_type"))) {
            oauthError(exchange, 400, "unsupported_grant_type", "Use \"client_credentials\" as the value for \"grant_type\".");
            return;
        }
        if (!clientId.equals(params.get("client_id")) || !clientSecret.equals(params.get("client_secret"))) {
            oauthError(exchange, 401, "invalid_client",
                    "Invalid client ID. Use the client ID in Marketing Cloud Installed Packages.");
            return;
        }
        long mid = parentUnit().mid();
        String accountId = params.get("account_id");
        if (accountId != null && !accountId.isBlank()) {
            Optional<BusinessUnit> unit;
            try {
                unit = unit(Long.parseLong(accountId.trim()));
            } catch (NumberFormatException e) {
                unit = Optional.empty();
            }
            if (unit.isEmpty()) {
                oauthError(exchange, 401, "unauthorized_client",
                        "The client does not have access to account " + accountId + ".");
                return;
            }
            mid = unit.get().mid();
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String accessToken = "eyJ" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Duration lifetime = tokenLifetime;
        tokens.put(accessToken, new IssuedToken(mid, Instant.now().plus(lifetime)));
        everIssued.add(accessToken);
        ObjectNode answer = json.createObjectNode()
                .put("access_token", accessToken)
                .put("token_type", "Bearer")
                .put("expires_in", lifetime.toSeconds())
                .put("scope", "email_read email_write list_and_subscribers_read list_and_subscribers_write")
                .put("soap_instance_url", baseUrl() + "/")
                .put("rest_instance_url", baseUrl() + "/");
        send(exchange, 200, "application/json; charset=utf-8", answer.toString());
    }

    private Map<String, String> tokenParameters(HttpExchange exchange, byte[] body) {
        String contentType = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse("");
        String text = new String(body, StandardCharsets.UTF_8);
        Map<String, String> params = new HashMap<>();
        if (contentType.startsWith("application/x-www-form-urlencoded")) {
            for (String pair : text.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            return params;
        }
        try {
            JsonNode node = json.readTree(text);
            if (node == null || !node.isObject()) {
                return null;
            }
            node.fields().forEachRemaining(f -> params.put(f.getKey(), f.getValue().asText()));
            return params;
        } catch (IOException e) {
            return null;
        }
    }

    private void oauthError(HttpExchange exchange, int status, String error, String description) throws IOException {
        ObjectNode answer = json.createObjectNode()
                .put("error", error)
                .put("error_description", description)
                .put("error_uri", "https://developer.salesforce.com/docs");
        send(exchange, status, "application/json; charset=utf-8", answer.toString());
    }

    // --- SOAP -------------------------------------------------------------------------------------------------

    private void soap(HttpExchange exchange, byte[] body) throws IOException {
        soapCalls.incrementAndGet();
        soapRequests.add(new String(body, StandardCharsets.UTF_8));
        Document doc;
        try {
            doc = Dom.parse(body);
        } catch (SAXException e) {
            soapAnswer(exchange, 500, SOAP11, SoapWriter.fault(SOAP11, "Client", "Invalid XML: " + e.getMessage(), null));
            return;
        }
        Element envelope = doc.getDocumentElement();
        String soapNs = envelope.getNamespaceURI();
        if (!"Envelope".equals(envelope.getLocalName()) || !(SOAP11.equals(soapNs) || SOAP12.equals(soapNs))) {
            soapAnswer(exchange, 500, SOAP11, SoapWriter.fault(SOAP11, "Client", "Not a SOAP envelope", null));
            return;
        }
        Element header = Dom.child(envelope, "Header");
        Element soapBody = Dom.child(envelope, "Body");
        Element message = soapBody == null || Dom.children(soapBody).isEmpty() ? null : Dom.children(soapBody).get(0);
        String operation = message == null ? "" : switch (message.getLocalName()) {
            case "RetrieveRequestMsg" -> "Retrieve";
            case "CreateRequest" -> "Create";
            case "UpdateRequest" -> "Update";
            default -> "";
        };
        switch (operation) {
            case "Retrieve" -> retrieveCalls.incrementAndGet();
            case "Create" -> createCalls.incrementAndGet();
            case "Update" -> updateCalls.incrementAndGet();
            default -> { }
        }
        if (injectFault()) {
            soapAnswer(exchange, 500, soapNs, SoapWriter.fault(soapNs, "Server",
                    "Server was unable to process request. ---> An unexpected error occurred. (emulated outage)", 2));
            return;
        }
        String action = soapAction(exchange, header);
        if (action == null || action.isBlank()) {
            soapAnswer(exchange, 500, soapNs, SoapWriter.fault(soapNs, "Client",
                    "SOAP Action Could Not Be Determined From HTTP or SOAP Header", null));
            return;
        }
        IssuedToken issued = checkToken(exchange, soapNs, header);
        if (issued == null) {
            return;
        }
        if (operation.isEmpty() || !action.startsWith(operation)) {
            soapAnswer(exchange, 500, soapNs, SoapWriter.fault(soapNs, "Client",
                    "Unsupported SOAP action '" + action + "' for " + (message == null ? "an empty body" : message.getLocalName()),
                    null));
            return;
        }
        String answer = switch (operation) {
            case "Retrieve" -> retrieve(soapNs, issued, Dom.child(message, "RetrieveRequest"));
            case "Create" -> save(soapNs, issued, message, true);
            default -> save(soapNs, issued, message, false);
        };
        soapAnswer(exchange, 200, soapNs, answer);
    }

    private synchronized boolean injectFault() {
        if (failNext.get() == 0) {
            return false;
        }
        if (passBeforeFailing.get() > 0) {
            passBeforeFailing.decrementAndGet();
            return false;
        }
        failNext.decrementAndGet();
        return true;
    }

    private void soapAnswer(HttpExchange exchange, int status, String soapNs, String xml) throws IOException {
        lastSoapResponse = xml;
        send(exchange, status, SOAP12.equals(soapNs) ? "application/soap+xml; charset=utf-8" : "text/xml; charset=utf-8", xml);
    }

    /** The SOAPAction HTTP header, the WS-Addressing Action header, or the SOAP 1.2 content-type action. */
    private static String soapAction(HttpExchange exchange, Element header) {
        String action = exchange.getRequestHeaders().getFirst("SOAPAction");
        if (action == null && header != null) {
            action = Dom.text(header, "Action");
        }
        if (action == null) {
            String contentType = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse("");
            int at = contentType.indexOf("action=");
            if (at >= 0) {
                action = contentType.substring(at + 7).split(";")[0];
            }
        }
        return action == null ? null : action.replace("\"", "").trim();
    }

    /**
     * The token of the {@code fueloauth} header (or the legacy {@code oAuth/oAuthToken}), or null after a fault.
     * Marketing Cloud knows these headers only in the {@code http://exacttarget.com} namespace: one in no namespace
     * or another is a header it does not read, so the call carries no token and fails to log in.
     */
    private IssuedToken checkToken(HttpExchange exchange, String soapNs, Element header) throws IOException {
        String token = null;
        if (header != null) {
            Element fueloauth = Dom.child(header, EXACTTARGET, "fueloauth");
            token = fueloauth == null ? null : fueloauth.getTextContent().trim();
            Element legacy = Dom.child(header, EXACTTARGET, "oAuth");
            if (token == null && legacy != null) {
                token = Dom.text(legacy, "oAuthToken");
            }
        }
        IssuedToken issued = token == null ? null : tokens.get(token);
        if (issued == null) {
            soapAnswer(exchange, 500, soapNs, SoapWriter.fault(soapNs, "Security", "Login Failed", null));
            return null;
        }
        if (!Instant.now().isBefore(issued.expiresAt())) {
            soapAnswer(exchange, 500, soapNs, SoapWriter.fault(soapNs, "Client", "Token Expired", null));
            return null;
        }
        return issued;
    }

    // --- Retrieve ---------------------------------------------------------------------------------------------

    private static final List<String> RETRIEVABLE = List.of("Client.ID", "ID", "CreatedDate", "EmailAddress",
            "SubscriberKey", "UnsubscribedDate", "Status");

    private String retrieve(String soapNs, IssuedToken issued, Element request) {
        if (request == null) {
            return retrieveError(soapNs, "RetrieveRequest is required");
        }
        String continueRequest = Dom.text(request, "ContinueRequest");
        if (continueRequest != null && !continueRequest.isEmpty()) {
            Continuation continuation = continuations.remove(continueRequest);
            if (continuation == null) {
                return retrieveError(soapNs, "Unable to find the continue request " + continueRequest);
            }
            return page(soapNs, continueRequest, continuation);
        }
        String objectType = Dom.text(request, "ObjectType");
        if (!"Subscriber".equals(objectType)) {
            return retrieveError(soapNs, "Unable to retrieve object type " + objectType + " (the emulator knows Subscriber)");
        }
        List<String> properties = Dom.children(request, "Properties").stream().map(e -> e.getTextContent().trim()).toList();
        List<String> unknown = properties.stream().filter(p -> !RETRIEVABLE.contains(p)).toList();
        if (properties.isEmpty() || !unknown.isEmpty()) {
            return retrieveError(soapNs, "The Request Property(s) " + String.join(", ", unknown)
                    + " do not match with the fields of Subscriber retrieve");
        }
        Predicate<EmulatedSubscriber> filter = s -> true;
        Element filterElement = Dom.child(request, "Filter");
        if (filterElement != null) {
            try {
                filter = SubscriberFilter.of(filterElement);
            } catch (SubscriberFilter.InvalidFilter e) {
                return retrieveError(soapNs, e.getMessage());
            }
        }
        Set<Long> visible = visibleUnits(issued, request);
        List<EmulatedSubscriber> rows;
        synchronized (subscribers) {
            rows = subscribers.values().stream()
                    .filter(s -> visible.contains(s.mid()))
                    .filter(filter)
                    .sorted(Comparator.comparingLong(EmulatedSubscriber::id))
                    .toList();
        }
        return page(soapNs, UUID.randomUUID().toString(), new Continuation(rows, properties, 0));
    }

    /** QueryAllAccounts: the token's unit and its children; ClientIDs: those of them; neither: the token's unit. */
    private Set<Long> visibleUnits(IssuedToken issued, Element request) {
        Set<Long> accessible = new LinkedHashSet<>();
        for (BusinessUnit unit : units) {
            if (unit.mid() == issued.mid() || (unit.parentMid() != null && unit.parentMid() == issued.mid())) {
                accessible.add(unit.mid());
            }
        }
        if ("true".equalsIgnoreCase(Dom.text(request, "QueryAllAccounts"))) {
            return accessible;
        }
        List<Element> clientIds = Dom.children(request, "ClientIDs");
        if (clientIds.isEmpty()) {
            return Set.of(issued.mid());
        }
        Set<Long> chosen = new LinkedHashSet<>();
        for (Element clientId : clientIds) {
            String id = Optional.ofNullable(Dom.text(clientId, "ID")).orElse(Dom.text(clientId, "ClientID"));
            try {
                if (id != null && accessible.contains(Long.parseLong(id))) {
                    chosen.add(Long.parseLong(id));
                }
            } catch (NumberFormatException e) {
                // not a MID: selects nothing, as an unknown ClientID does
            }
        }
        return chosen;
    }

    private String page(String soapNs, String requestId, Continuation continuation) {
        int size = pageSize;
        List<EmulatedSubscriber> rows = continuation.rows();
        int end = Math.min(rows.size(), continuation.offset() + size);
        boolean more = end < rows.size();
        if (more) {
            continuations.put(requestId, new Continuation(rows, continuation.properties(), end));
        }
        List<EmulatedSubscriber> page = rows.subList(continuation.offset(), end);
        return SoapWriter.envelope(soapNs, out -> {
            SoapWriter.startMessage(out, "RetrieveResponseMsg");
            SoapWriter.element(out, "OverallStatus", more ? "MoreDataAvailable" : "OK");
            SoapWriter.element(out, "RequestID", requestId);
            for (EmulatedSubscriber s : page) {
                SoapWriter.start(out, "Results");
                SoapWriter.xsiType(out, "Subscriber");
                writeSubscriber(out, s, continuation.properties());
                out.writeEndElement();
            }
            out.writeEndElement();
        });
    }

    /** The requested properties in the order the WSDL's Subscriber type lists them. */
    private static void writeSubscriber(XMLStreamWriter out, EmulatedSubscriber s, List<String> properties)
            throws XMLStreamException {
        if (properties.contains("Client.ID")) {
            SoapWriter.start(out, "Client");
            SoapWriter.element(out, "ID", s.mid());
            out.writeEndElement();
        }
        SoapWriter.nil(out, "PartnerKey");
        if (properties.contains("CreatedDate")) {
            SoapWriter.element(out, "CreatedDate", s.createdDate());
        }
        if (properties.contains("ID")) {
            SoapWriter.element(out, "ID", s.id());
        }
        SoapWriter.nil(out, "ObjectID");
        if (properties.contains("EmailAddress") && s.emailAddress() != null) {
            SoapWriter.element(out, "EmailAddress", s.emailAddress());
        }
        if (properties.contains("SubscriberKey")) {
            SoapWriter.element(out, "SubscriberKey", s.subscriberKey());
        }
        if (properties.contains("UnsubscribedDate") && s.unsubscribedDate() != null) {
            SoapWriter.element(out, "UnsubscribedDate", s.unsubscribedDate());
        }
        if (properties.contains("Status")) {
            SoapWriter.element(out, "Status", s.status());
        }
    }

    private static String retrieveError(String soapNs, String message) {
        return SoapWriter.envelope(soapNs, out -> {
            SoapWriter.startMessage(out, "RetrieveResponseMsg");
            SoapWriter.element(out, "OverallStatus", "Error: " + message);
            SoapWriter.element(out, "RequestID", UUID.randomUUID().toString());
            out.writeEndElement();
        });
    }

    // --- Create / Update --------------------------------------------------------------------------------------

    private record SaveResult(boolean ok, String message, int errorCode, EmulatedSubscriber subscriber) {
    }

    private String save(String soapNs, IssuedToken issued, Element message, boolean create) {
        boolean upsert = upsert(Dom.child(message, "Options"));
        List<SaveResult> results = new ArrayList<>();
        for (Element object : Dom.children(message, "Objects")) {
            results.add(saveOne(issued, object, create, upsert));
        }
        long failed = results.stream().filter(r -> !r.ok()).count();
        String overall = failed == 0 ? "OK" : failed == results.size() ? "Error" : "Has Errors";
        String requestId = UUID.randomUUID().toString();
        return SoapWriter.envelope(soapNs, out -> {
            SoapWriter.startMessage(out, create ? "CreateResponse" : "UpdateResponse");
            int ordinal = 0;
            for (SaveResult r : results) {
                SoapWriter.start(out, "Results");
                SoapWriter.element(out, "StatusCode", r.ok() ? "OK" : "Error");
                SoapWriter.element(out, "StatusMessage", r.message());
                SoapWriter.element(out, "OrdinalID", ordinal++);
                if (!r.ok()) {
                    SoapWriter.element(out, "ErrorCode", r.errorCode());
                }
                if (create) {
                    SoapWriter.element(out, "NewID", r.subscriber() == null ? 0 : r.subscriber().id());
                }
                SoapWriter.start(out, "Object");
                SoapWriter.xsiType(out, "Subscriber");
                if (r.subscriber() != null) {
                    writeSubscriber(out, r.subscriber(), RETRIEVABLE);
                }
                out.writeEndElement();
                out.writeEndElement();
            }
            SoapWriter.element(out, "RequestID", requestId);
            SoapWriter.element(out, "OverallStatus", overall);
            out.writeEndElement();
        });
    }

    /** {@code SaveOptions} with {@code SaveAction} UpdateAdd: Update creates what is missing, Create updates. */
    private static boolean upsert(Element options) {
        Element saveOptions = options == null ? null : Dom.child(options, "SaveOptions");
        if (saveOptions == null) {
            return false;
        }
        return Dom.children(saveOptions, "SaveOption").stream()
                .anyMatch(o -> "UpdateAdd".equals(Dom.text(o, "SaveAction")));
    }

    private SaveResult saveOne(IssuedToken issued, Element object, boolean create, boolean upsert) {
        String type = Dom.xsiType(object);
        if (!"Subscriber".equals(type)) {
            return new SaveResult(false, "The emulator saves Subscriber objects, not '" + type + "'", 2, null);
        }
        Element client = Dom.child(object, "Client");
        String midText = client == null ? null : Optional.ofNullable(Dom.text(client, "ID")).orElse(Dom.text(client, "ClientID"));
        long mid;
        try {
            mid = midText == null ? issued.mid() : Long.parseLong(midText);
        } catch (NumberFormatException e) {
            return new SaveResult(false, "Invalid Client.ID '" + midText + "'", 2, null);
        }
        if (unit(mid).isEmpty()) {
            return new SaveResult(false, "Client.ID " + mid + " is not a business unit of this account", 2, null);
        }
        String key = Dom.text(object, "SubscriberKey");
        String email = Dom.text(object, "EmailAddress");
        String status = Dom.text(object, "Status");
        if (key == null || key.isEmpty()) {
            return new SaveResult(false, "SubscriberKey is required", 12002, null);
        }
        if (status != null && !STATUSES.contains(status)) {
            return new SaveResult(false, "Invalid Subscriber Status '" + status + "'", 12012, null);
        }
        synchronized (subscribers) {
            EmulatedSubscriber existing = subscribers.get(new SubscriberId(mid, key.toLowerCase(Locale.ROOT)));
            if (create && existing != null && !upsert) {
                return new SaveResult(false, "The subscriber is already on the list", 12014, existing);
            }
            if (!create && existing == null && !upsert) {
                return new SaveResult(false, "Error: Subscriber not found in business unit " + mid, 12008, null);
            }
            if (existing == null && (email == null || email.isEmpty())) {
                return new SaveResult(false, "EmailAddress is required to create a subscriber", 12001, null);
            }
            EmulatedSubscriber saved = put(mid, key,
                    email != null ? email : existing.emailAddress(),
                    status != null ? status : existing != null ? existing.status() : "Active");
            return new SaveResult(true, existing == null ? "Created Subscriber." : "Updated Subscriber.", 0, saved);
        }
    }

    /** Caller holds the {@code subscribers} lock. */
    private EmulatedSubscriber put(long mid, String key, String email, String status) {
        SubscriberId id = new SubscriberId(mid, key.toLowerCase(Locale.ROOT));
        EmulatedSubscriber existing = subscribers.get(id);
        Instant now = Instant.now();
        Instant unsubscribed = "Unsubscribed".equals(status)
                ? (existing != null && "Unsubscribed".equals(existing.status()) ? existing.unsubscribedDate() : now)
                : null;
        EmulatedSubscriber saved = existing == null
                ? new EmulatedSubscriber(nextSubscriberId.getAndIncrement(), mid, key, email, status, now, unsubscribed)
                : new EmulatedSubscriber(existing.id(), mid, existing.subscriberKey(), email, status,
                        existing.createdDate(), unsubscribed);
        subscribers.put(id, saved);
        return saved;
    }

    private Optional<BusinessUnit> unit(long mid) {
        return units.stream().filter(u -> u.mid() == mid).findFirst();
    }

    private static void requireStatus(String status) {
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("status must be one of " + STATUSES + ", not " + status);
        }
    }
}
