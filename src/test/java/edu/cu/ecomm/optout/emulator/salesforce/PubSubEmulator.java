package edu.cu.ecomm.optout.emulator.salesforce;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;

/**
 * Salesforce's Pub/Sub API for the emulated org, over plaintext gRPC on 127.0.0.1: the REST side publishes each
 * committed contact change here ({@link ChangeEventSink}) and camel-salesforce's {@code pubSubSubscribe} consumer
 * receives it as a {@code ContactChangeEvent}, exactly as from Salesforce. Tests get hooks to inject odd events
 * and faults.
 */
public final class PubSubEmulator implements ChangeEventSink {

    public static final String TOPIC = PubSubService.TOPIC;

    /**
     * @param port              TCP port on 127.0.0.1; 0 picks a free one
     * @param retention         how long events stay replayable (Salesforce: 72 hours)
     * @param keepAliveInterval how long a stream may be idle before it gets an empty keep-alive response
     *                          (Salesforce: within 270 seconds)
     * @param clock             the time retention is judged by
     */
    public record Settings(int port, Duration retention, Duration keepAliveInterval, Clock clock) {

        public static Settings defaults() {
            return new Settings(0, Duration.ofHours(72), Duration.ofSeconds(30), Clock.systemUTC());
        }

        public Settings withPort(int newPort) {
            return new Settings(newPort, retention, keepAliveInterval, clock);
        }

        public Settings withRetention(Duration newRetention) {
            return new Settings(port, newRetention, keepAliveInterval, clock);
        }

        public Settings withKeepAliveInterval(Duration newInterval) {
            return new Settings(port, retention, newInterval, clock);
        }

        public Settings withClock(Clock newClock) {
            return new Settings(port, retention, keepAliveInterval, newClock);
        }
    }

    private final IssuedTokens tokens;
    private final Settings settings;
    private final ContactChangeEventSchema schema = ContactChangeEventSchema.contact();
    private final ChangeEventEncoder encoder = new ChangeEventEncoder(schema);
    private final Faults faults = new Faults();
    private final EventLog log;
    /** Ids of {@link #publishOptOutLoad}: another instance than the REST side's, so never one of its contacts. */
    private final SalesforceIds benchmarkIds = new SalesforceIds("9B0");
    private ScheduledExecutorService timer;
    private PubSubService service;
    private Server server;

    public PubSubEmulator(IssuedTokens tokens, Settings settings) {
        this.tokens = tokens;
        this.settings = settings;
        this.log = new EventLog(settings.clock(), settings.retention());
    }

    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pubsub-emulator-keepalive");
            thread.setDaemon(true);
            return thread;
        });
        service = new PubSubService(log, schema, faults, timer, settings.keepAliveInterval());
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", settings.port()))
                .addService(ServerInterceptors.intercept(service, new CallAuthenticator(tokens, faults)))
                .build();
        try {
            server.start();
        } catch (IOException e) {
            timer.shutdownNow();
            throw new UncheckedIOException("Cannot start the Pub/Sub emulator on port " + settings.port(), e);
        }
    }

    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdownNow();
        timer.shutdownNow();
        try {
            server.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server = null;
    }

    public int port() {
        return server.getPort();
    }

    /** The id {@code GetTopic} reports and every event carries. */
    public String schemaId() {
        return schema.id();
    }

    /** The Avro schema events are written with, for tests that hand-craft a payload for {@link #injectRaw}. */
    public org.apache.avro.Schema eventSchema() {
        return schema.schema();
    }

    /** How the next commits are published, when a test has armed a lossy delivery. */
    private enum Lossy { GAP, OVERFLOW, GARBLED }

    private final java.util.Deque<Lossy> lossy = new java.util.concurrent.ConcurrentLinkedDeque<>();

    @Override
    public void publish(ContactChangeCommit commit) {
        Lossy next = lossy.poll();
        if (next == null) {
            log.append(encoder.encode(commit));
            return;
        }
        switch (next) {
            // Header only: the gap counterpart of the change type, the same records, no values or changed fields.
            case GAP -> log.append(encoder.encode(new ContactChangeCommit("GAP_" + commit.changeType(),
                    commit.recordIds(), Map.of(), Set.of(), Set.of(), commit.changeOrigin(), commit.transactionKey(),
                    commit.sequenceNumber(), commit.commitTimestamp(), commit.commitNumber(), commit.commitUser())));
            // One overflow event stands for the whole transaction: no record ids at all.
            case OVERFLOW -> log.append(encoder.encode(new ContactChangeCommit("GAP_OVERFLOW", List.of(), Map.of(),
                    Set.of(), Set.of(), commit.changeOrigin(), commit.transactionKey(), commit.sequenceNumber(),
                    commit.commitTimestamp(), commit.commitNumber(), commit.commitUser())));
            // Bytes no Avro reader can decode: camel-salesforce logs the error and skips the event.
            case GARBLED -> log.append(new byte[] {(byte) 0xff, 0x01, 0x02});
        }
    }

    /**
     * The next {@code commits} commits are published as gap events (GAP_UPDATE for an UPDATE, GAP_CREATE for a
     * CREATE, ...): header only, as Salesforce sends when it cannot produce the full events.
     */
    public void publishNextAsGapEvents(int commits) {
        for (int i = 0; i < commits; i++) {
            lossy.add(Lossy.GAP);
        }
    }

    /** The next commit is published as a GAP_OVERFLOW event, as for a transaction too large for change events. */
    public void publishNextAsOverflow() {
        lossy.add(Lossy.OVERFLOW);
    }

    /** The next {@code commits} commits are published with payloads no reader can decode. */
    public void publishNextGarbled(int commits) {
        for (int i = 0; i < commits; i++) {
            lossy.add(Lossy.GARBLED);
        }
    }

    /**
     * Publishes any event a test needs, including gap events (header only: no values, no changed fields) and
     * GAP_OVERFLOW (no record ids).
     */
    public void inject(ContactChangeCommit commit) {
        publish(commit);
    }

    /** Publishes an event whose payload is whatever bytes the test gives, e.g. ones that are not valid Avro. */
    public void injectRaw(byte[] payload) {
        log.append(payload.clone());
    }

    /**
     * Publishes {@code count} single-contact opt-out updates as fast as it can encode them, for benchmarks.
     * Contact ids are synthetic ({@code 003SYN…}), one per event.
     */
    public void publishSyntheticOptOuts(int count) {
        for (int i = 0; i < count; i++) {
            String contactId = String.format("003SYN%012d", log.latestSequence() + 1);
            publish(new ContactChangeCommit("UPDATE", List.of(contactId), Map.of("HasOptedOutOfEmail", true),
                    Set.of("HasOptedOutOfEmail"), Set.of(), "com/salesforce/api/rest/64.0",
                    UUID.randomUUID().toString(), 1, settings.clock().instant(), log.latestSequence() + 1,
                    "005SYN000000000001"));
        }
    }

    /**
     * Benchmarks: appends {@code events} opt-out updates of new, well-formed contact ids (valid 18-character
     * checksums, distinct across calls) as fast as it can encode them. Every {@code bulkEvery}-th event is one
     * transaction that changed {@code bulkSize} contacts, as a data load produces; the others change one contact.
     * Publish before subscribing to measure a consumer without the encoding competing for the CPU.
     *
     * @return the contact changes the events carry
     */
    public long publishOptOutLoad(int events, int bulkEvery, int bulkSize) {
        long changes = 0;
        String user = benchmarkIds.next(SalesforceIds.USER_PREFIX);
        for (int i = 1; i <= events; i++) {
            int size = bulkEvery > 0 && i % bulkEvery == 0 ? bulkSize : 1;
            List<String> contactIds = new ArrayList<>(size);
            for (int c = 0; c < size; c++) {
                contactIds.add(benchmarkIds.next(SalesforceIds.CONTACT_PREFIX));
            }
            long sequence = log.latestSequence() + 1;
            publish(new ContactChangeCommit("UPDATE", contactIds, Map.of("HasOptedOutOfEmail", true),
                    Set.of("HasOptedOutOfEmail"), Set.of(), "com/salesforce/api/soap/64.0;client=DataLoaderBulkUI/",
                    "bench-" + sequence, 1, settings.clock().instant(), sequence, user));
            changes += size;
        }
        return changes;
    }

    /** Events sent to subscribers since start, counted per stream; benchmarks time a consumer from the first. */
    public long deliveredCount() {
        return service.deliveredCount();
    }

    /** The replay id of the event with this sequence number (1 = the first ever published; 0 = before it). */
    public static String replayIdOf(long sequence) {
        return Base64.getEncoder().encodeToString(EventLog.replayId(sequence).toByteArray());
    }

    /** The sequence number of a replay id this emulator issued (the inverse of {@link #replayIdOf}). */
    public static long sequenceOf(String replayId) {
        return java.nio.ByteBuffer.wrap(Base64.getDecoder().decode(replayId)).getLong();
    }

    /** Ends every open Subscribe stream with UNAVAILABLE, as when Salesforce drops connections. */
    public void closeAllStreams() {
        service.abortAll(PubSubErrors.unavailable());
    }

    /** The next Subscribe is refused with UNAUTHENTICATED and the auth error code, as for an expired session. */
    public void failNextSubscribeWithAuthError() {
        faults.armAuthError();
    }

    /** The next Subscribe fails on its first request with the corrupted-replay-id error code. */
    public void failNextSubscribeWithCorruptedReplayId() {
        faults.armCorruptedReplayId();
    }

    /** While unavailable, open streams are dropped and every call is refused with UNAVAILABLE. */
    public void setAvailable(boolean available) {
        faults.setAvailable(available);
        if (!available) {
            closeAllStreams();
        }
    }

    /** The event bus, for {@link SavedOrg}. */
    EventLog.Saved save() {
        return log.save();
    }

    /** Takes back the event bus a previous run saved, before it starts serving. */
    void restore(EventLog.Saved saved) {
        log.restore(saved);
    }

    /** Events ever published in this org (a restored org counts its earlier runs), including ones since dropped by retention. */
    public long publishedCount() {
        return log.latestSequence();
    }

    /** Events still within the retention window, i.e. still replayable. */
    public int retainedCount() {
        return log.retainedCount();
    }

    /** Open Subscribe streams whose first request has been accepted. */
    public int activeSubscriptions() {
        return service.activeSubscriptions();
    }

    /** The replay id of the newest event, base64 as camel's {@code CamelSalesforcePubSubReplayId} header has it. */
    public String latestReplayId() {
        return replayIdOf(log.latestSequence());
    }
}
