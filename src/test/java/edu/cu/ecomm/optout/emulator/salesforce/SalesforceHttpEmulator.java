package edu.cu.ecomm.optout.emulator.salesforce;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP side of an emulated Salesforce org: OAuth login and revoke, and the REST API on Contact, over real
 * sockets on the loopback interface, answering as Salesforce does so camel-salesforce cannot tell the
 * difference. Every committed contact change, whether it arrives over REST or through the test API below, is
 * handed to the {@link ChangeEventSink} (the Pub/Sub side) in commit order, and the tokens issued here are
 * the ones the Pub/Sub side accepts ({@link IssuedTokens}).
 *
 * <p>Commits reach the sink before the REST call that made them answers, so a test can assert on them right
 * after the call. Changes made through the test API carry an empty change origin, as changes made by a person
 * in the Salesforce UI do, and are refused (with a {@link RuntimeException} naming Salesforce's error) where
 * Salesforce would refuse them.
 */
public final class SalesforceHttpEmulator implements IssuedTokens, AutoCloseable {

    /**
     * How the emulated org is set up.
     *
     * @param port          TCP port on the loopback interface; 0 picks a free one
     * @param orgId         18-character organisation id (key prefix {@code 00D}), the Pub/Sub tenant id
     * @param clientId      the connected app's consumer key, the JWT {@code iss}
     * @param clientSecret  the connected app's consumer secret, also the key of the token response signature
     * @param username      the integration user, for the password grant and the JWT {@code sub}
     * @param password      the integration user's password (with security token appended, as Salesforce expects)
     * @param tokenLifetime how long an access token lives
     * @param pageSize      SOQL rows per page when the client does not ask for a batch size
     * @param clock         the org's clock: token expiry, commit timestamps, CreatedDate and LastModifiedDate
     */
    public record Config(int port, String orgId, String clientId, String clientSecret, String username,
                         String password, Duration tokenLifetime, int pageSize, Clock clock) {

        public Config {
            Objects.requireNonNull(clock, "clock");
            if (SalesforceIds.normalize(orgId, SalesforceIds.ORG_PREFIX).filter(orgId::equals).isEmpty()) {
                throw new IllegalArgumentException("not an 18-character org id: " + orgId);
            }
            if (pageSize < 1) {
                throw new IllegalArgumentException("pageSize must be positive: " + pageSize);
            }
        }

        /** An org on a free port with the project's local connected app and integration user. */
        public static Config defaults() {
            return new Config(0, SalesforceIds.to18("00D5e000000CuOr"), "optout-sync-local", "local-secret",
                    "optout-sync@cu.example.edu", "local-password", Duration.ofHours(2), 2000, Clock.systemUTC());
        }

        public Config withPort(int port) {
            return new Config(port, orgId, clientId, clientSecret, username, password, tokenLifetime, pageSize, clock);
        }

        public Config withOrgId(String orgId) {
            return new Config(port, orgId, clientId, clientSecret, username, password, tokenLifetime, pageSize, clock);
        }

        public Config withClient(String clientId, String clientSecret) {
            return new Config(port, orgId, clientId, clientSecret, username, password, tokenLifetime, pageSize, clock);
        }

        public Config withUser(String username, String password) {
            return new Config(port, orgId, clientId, clientSecret, username, password, tokenLifetime, pageSize, clock);
        }

        public Config withTokenLifetime(Duration tokenLifetime) {
            return new Config(port, orgId, clientId, clientSecret, username, password, tokenLifetime, pageSize, clock);
        }

        public Config withPageSize(int pageSize) {
            return new Config(port, orgId, clientId, clientSecret, username, password, tokenLifetime, pageSize, clock);
        }

        public Config withClock(Clock clock) {
            return new Config(port, orgId, clientId, clientSecret, username, password, tokenLifetime, pageSize, clock);
        }
    }

    private final Config config;
    private final SalesforceIds ids;
    private final String userId;
    private final AccessTokens tokens;
    private final ContactStore store;
    private final QueryCursors cursors;
    private final BulkQueryJobs bulkQueryJobs;
    private HttpServer server;
    private ExecutorService executor;

    public SalesforceHttpEmulator(ChangeEventSink sink) {
        this(sink, Config.defaults());
    }

    public SalesforceHttpEmulator(ChangeEventSink sink, Config config) {
        this.config = config;
        this.ids = new SalesforceIds();
        this.userId = ids.next(SalesforceIds.USER_PREFIX);
        this.tokens = new AccessTokens(config.orgId(), config.clock(), config.tokenLifetime());
        this.store = new ContactStore(ids, userId, config.clock(), sink);
        this.cursors = new QueryCursors(ids);
        this.bulkQueryJobs = new BulkQueryJobs(ids, userId, config.clock());
    }

    /** Binds the port and starts answering. */
    public synchronized void start() {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port()), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind port " + config.port(), e);
        }
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newFixedThreadPool(4, task -> {
            Thread thread = new Thread(task, "salesforce-emulator-http-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        OAuthEndpoint.Credentials credentials = new OAuthEndpoint.Credentials(config.clientId(),
                config.clientSecret(), config.username(), config.password());
        List<HttpContext> contexts = List.of(
                server.createContext("/services/oauth2/",
                        new OAuthEndpoint(credentials, config.orgId(), userId, tokens, config.clock(), this::baseUrl)),
                server.createContext("/services/data",
                        new RestEndpoint(tokens, store, cursors, bulkQueryJobs, config.pageSize())),
                server.createContext("/", exchange -> {
                    try (exchange) {
                        Exchanges.sendError(exchange, SalesforceApiException.notFound());
                    }
                }));
        // Salesforce refuses an oversized request before it reaches any endpoint.
        contexts.forEach(context -> context.getFilters().add(new RequestSizeLimit()));
        server.setExecutor(executor);
        server.start();
    }

    /** Stops answering and frees the port; the org's data stays, but it cannot be started again. */
    /** The ids issued and the Contact table, for {@link SavedOrg}. */
    SavedOrg.Http save() {
        return new SavedOrg.Http(ids.issued(), store.save());
    }

    /** Takes back the org a previous run saved, before it starts answering. */
    void restore(SavedOrg.Http saved) {
        ids.continueAfter(saved.issuedIds());
        store.restore(saved.contacts());
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The bound port; only once started. */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.getAddress().getPort();
    }

    /** Both the login URL and the instance URL, e.g. {@code http://localhost:43121}. */
    public String baseUrl() {
        return "http://localhost:" + port();
    }

    public String orgId() {
        return config.orgId();
    }

    /** The integration user's 18-character id: the user in the identity URL and every commit's commitUser. */
    public String userId() {
        return userId;
    }

    @Override
    public boolean isValid(String accessToken, String tenantId) {
        return tokens.isValid(accessToken, tenantId);
    }

    /** Every access token issued so far, live or not. */
    public Set<String> issuedTokens() {
        return tokens.everIssued();
    }

    /** Bulk API query jobs stay InProgress, as a long one does in Salesforce, until {@link #completeBulkQueryJobs}. */
    public void holdBulkQueryJobs() {
        bulkQueryJobs.hold(true);
    }

    /** Held Bulk API query jobs complete at their next look. */
    public void completeBulkQueryJobs() {
        bulkQueryJobs.hold(false);
    }

    /** Every Bulk API query job's state by id (UploadComplete, InProgress, JobComplete or Aborted). */
    public Map<String, String> bulkQueryJobStates() {
        return bulkQueryJobs.states();
    }

    /** Ends every session, REST and Pub/Sub alike; clients must log in again. */
    public void expireAllTokens() {
        tokens.expireAll();
    }

    /**
     * Creates {@code n} realistic contacts in one transaction (one CREATE commit each); the same seed gives
     * the same names, emails and preferences.
     *
     * @return the new contact ids in creation order
     */
    public List<String> seedContacts(int n, long randomSeed) {
        List<Map<String, Object>> records = new ArrayList<>();
        SampleContacts.generate(n, randomSeed).forEach(values -> records.add(FieldValues.forWrite(values)));
        return store.create(records, "");
    }

    /**
     * Creates a contact from field values by API name (any case): String, Boolean, or Instant / ISO text
     * for date-times. {@code LastName} is required, as in Salesforce.
     *
     * @return the new 18-character id
     */
    public String createContact(Map<String, ?> values) {
        return store.create(List.of(FieldValues.forWrite(values)), "").get(0);
    }

    /** Updates one contact; fields whose value does not change are not reported as changed. */
    public void updateContact(String id, Map<String, ?> values) {
        String normalized = SalesforceIds.normalize(id, SalesforceIds.CONTACT_PREFIX)
                .filter(store::exists)
                .orElseThrow(() -> new IllegalArgumentException("no such contact: " + id));
        store.update(Map.of(normalized, FieldValues.forWrite(values)), "");
    }

    /** The contact's fields by canonical API name, compound {@code Name} included; empty when unknown. */
    public Optional<Map<String, Object>> getContact(String id) {
        return SalesforceIds.normalize(id, SalesforceIds.CONTACT_PREFIX).flatMap(store::find);
    }

    /** Every contact, in creation order. */
    public List<Map<String, Object>> allContacts() {
        return store.all();
    }
}
