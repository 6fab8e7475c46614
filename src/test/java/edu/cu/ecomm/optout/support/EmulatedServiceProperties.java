package edu.cu.ecomm.optout.support;

import java.util.LinkedHashMap;
import java.util.Map;

import edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator;

/** The settings that point the service at emulators listening on the given ports. */
public final class EmulatedServiceProperties {

    private EmulatedServiceProperties() {
    }

    /**
     * For emulators the application itself starts (see {@code LocalEmulators}) on ports the kernel picks when they
     * bind: {@link EmulatorAddresses} then points the service at them. A port picked beforehand and handed over could
     * be taken by another socket in between.
     */
    public static Map<String, String> forEmulatorsOnAnyPort() {
        Map<String, String> properties = new LinkedHashMap<>(salesforceSettings());
        properties.putAll(marketingCloudSettings());
        properties.put("optout.emulator.salesforce.http-port", "0");
        properties.put("optout.emulator.salesforce.grpc-port", "0");
        properties.put("optout.emulator.marketing-cloud.port", "0");
        return properties;
    }

    /** Where the service finds emulators listening on these ports. */
    public static Map<String, String> addresses(int salesforceHttpPort, int salesforceGrpcPort, int marketingCloudPort) {
        Map<String, String> properties = new LinkedHashMap<>(salesforceAddress(salesforceHttpPort, salesforceGrpcPort));
        properties.putAll(marketingCloudAddress(marketingCloudPort));
        return properties;
    }

    /** For a Marketing Cloud emulator listening on this port (auth and SOAP share it), parent unit as account. */
    public static Map<String, String> forMarketingCloud(int port) {
        Map<String, String> properties = new LinkedHashMap<>(marketingCloudAddress(port));
        properties.putAll(marketingCloudSettings());
        return properties;
    }

    /** For a Salesforce emulator already listening on these ports. */
    public static Map<String, String> forSalesforce(int httpPort, int grpcPort) {
        Map<String, String> properties = new LinkedHashMap<>(salesforceAddress(httpPort, grpcPort));
        properties.putAll(salesforceSettings());
        return properties;
    }

    private static Map<String, String> salesforceAddress(int httpPort, int grpcPort) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("camel.component.salesforce.login-url", "http://127.0.0.1:" + httpPort);
        properties.put("camel.component.salesforce.pub-sub-host", "127.0.0.1");
        properties.put("camel.component.salesforce.pub-sub-port", String.valueOf(grpcPort));
        return properties;
    }

    private static Map<String, String> marketingCloudAddress(int port) {
        return Map.of("optout.marketing-cloud.auth-base-url", "http://127.0.0.1:" + port);
    }

    private static Map<String, String> marketingCloudSettings() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("optout.marketing-cloud.client-id", MarketingCloudEmulator.LOCAL_CLIENT_ID);
        properties.put("optout.marketing-cloud.client-secret", MarketingCloudEmulator.LOCAL_CLIENT_SECRET);
        properties.put("optout.marketing-cloud.account-id", String.valueOf(MarketingCloudEmulator.PARENT_MID));
        return properties;
    }

    private static Map<String, String> salesforceSettings() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("camel.component.salesforce.client-id", "optout-sync-local");
        properties.put("camel.component.salesforce.client-secret", "local-secret");
        properties.put("optout.salesforce.pub-sub-plaintext", "true");
        // Health over HTTP on a free port: a test's service never competes for the default 8080.
        properties.put("server.port", "0");
        // Tests look at the ledger promptly.
        properties.put("optout.dispatch.poll-interval", "200");
        // The first start's own catch-up and snapshot are done within a second or two, before a test changes
        // anything, so that a test's change is recorded by intake (source CDC), not found by that catch-up.
        properties.put("optout.catch-up.poll-interval", "200");
        properties.put("optout.catch-up.settle", "PT1S");
        properties.put("optout.initial-snapshot.poll-interval", "PT0.2S");
        return properties;
    }
}
