package edu.cu.ecomm.optout.emulator.salesforce;

import java.nio.file.Path;

/**
 * The whole emulated Salesforce org: OAuth and REST over HTTP, Change Data Capture over the Pub/Sub gRPC API.
 * Every contact change made through REST becomes a change event on {@code /data/ContactChangeEvent}, and the
 * Pub/Sub side accepts only the tokens the OAuth side issued.
 */
public final class SalesforceEmulator implements AutoCloseable {

    private final PubSubEmulator pubSub;
    private final SalesforceHttpEmulator http;

    public SalesforceEmulator(SalesforceHttpEmulator.Config httpConfig, PubSubEmulator.Settings pubSubSettings) {
        // Each side needs the other: REST publishes into Pub/Sub, Pub/Sub checks tokens REST issued.
        this.pubSub = new PubSubEmulator(this::issued, pubSubSettings);
        this.http = new SalesforceHttpEmulator(pubSub, httpConfig);
    }

    private boolean issued(String accessToken, String tenantId) {
        return http.isValid(accessToken, tenantId);
    }

    /** Both sides on the given ports (0 for any free one), with the local defaults otherwise. */
    public static SalesforceEmulator onPorts(int httpPort, int grpcPort) {
        return new SalesforceEmulator(SalesforceHttpEmulator.Config.defaults().withPort(httpPort),
                PubSubEmulator.Settings.defaults().withPort(grpcPort));
    }

    /**
     * The org a stopped emulator saved with {@link #saveTo}, on these ports (0 for any free one): the same contacts,
     * and the same retained events under the same replay ids, so a subscriber resumes where it left off.
     */
    public static SalesforceEmulator restoredFrom(Path file, int httpPort, int grpcPort) {
        SavedOrg saved = SavedOrg.readFrom(file);
        SalesforceEmulator salesforce = onPorts(httpPort, grpcPort);
        salesforce.http.restore(saved.http());
        salesforce.pubSub.restore(saved.events());
        return salesforce;
    }

    /** Saves the org for {@link #restoredFrom}; call it once stopped, so no change comes in while it is written. */
    public void saveTo(Path file) {
        new SavedOrg(http.save(), pubSub.save()).writeTo(file);
    }

    public SalesforceEmulator start() {
        pubSub.start();
        http.start();
        return this;
    }

    public void stop() {
        http.stop();
        pubSub.stop();
    }

    @Override
    public void close() {
        stop();
    }

    /** The OAuth login URL, also the instance URL. */
    public String loginUrl() {
        return http.baseUrl();
    }

    public int httpPort() {
        return http.port();
    }

    public int pubSubPort() {
        return pubSub.port();
    }

    /** OAuth, REST and the contacts of the org. */
    public SalesforceHttpEmulator http() {
        return http;
    }

    /** The event bus: retained events, subscriptions and fault injection. */
    public PubSubEmulator pubSub() {
        return pubSub;
    }
}
