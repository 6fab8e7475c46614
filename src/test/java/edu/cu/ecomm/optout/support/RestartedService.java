package edu.cu.ecomm.optout.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A test's own Salesforce org and database, and the service stopped and started against them as an operator
 * would: the org keeps changing while the service is down, the database outlives each run.
 */
public final class RestartedService implements AutoCloseable {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private SalesforceEmulator salesforce;
    private SalesforceRestClient specialist;
    private final Map<String, String> properties;
    private RunningService service;

    private RestartedService(SalesforceEmulator salesforce) {
        this.salesforce = salesforce;
        this.specialist = new SalesforceRestClient(salesforce.loginUrl());
        this.properties = new HashMap<>(EmulatedServiceProperties.forSalesforce(salesforce.httpPort(),
                salesforce.pubSubPort()));
        properties.putAll(TestDatabases.properties(TestDatabases.newName()));
    }

    /** Starts {@code emulator} and a new database for it; the service itself starts with {@link #start()}. */
    public static RestartedService against(SalesforceEmulator emulator) {
        return new RestartedService(emulator.start());
    }

    /** A property for the next start, as a command-line option would set it. */
    public RestartedService with(String key, String value) {
        properties.put(key, value);
        return this;
    }

    /** Starts the service and waits until its subscription is open. */
    public void start() {
        service = RunningService.start(properties);
        await().atMost(PATIENCE).until(() -> salesforce.pubSub().activeSubscriptions() == 1);
    }

    /** Stops the service and waits until Salesforce has seen its subscription close. */
    public void stop() {
        service.close();
        await().atMost(PATIENCE).until(() -> salesforce.pubSub().activeSubscriptions() == 0);
    }

    /**
     * Points the stopped service at {@code restarted}, e.g. the same org's emulator after a restart of its own on
     * other ports; the database stays. The previous emulator is the caller's to stop.
     */
    public RestartedService switchTo(SalesforceEmulator restarted) {
        salesforce = restarted;
        specialist = new SalesforceRestClient(restarted.loginUrl());
        properties.putAll(EmulatedServiceProperties.forSalesforce(restarted.httpPort(), restarted.pubSubPort()));
        return this;
    }

    /** New contacts in the org, not opted out, named after {@code purpose}. */
    public List<String> newContacts(int count, String purpose) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            ids.add(salesforce.http().createContact(Map.of("LastName", purpose + " " + suffix,
                    "Email", purpose.toLowerCase() + "." + suffix + "@example.edu", "HasOptedOutOfEmail", false)));
        }
        return ids;
    }

    public SalesforceEmulator salesforce() {
        return salesforce;
    }

    /** A Salesforce user changing contacts over the org's REST API. */
    public SalesforceRestClient specialist() {
        return specialist;
    }

    /** A bean of the running service. */
    public <T> T bean(Class<T> type) {
        return service.bean(type);
    }

    public ChangeLedger ledger() {
        return bean(ChangeLedger.class);
    }

    /** The service's database: through the running service, or opened directly while it is stopped. */
    public JdbcTemplate database() {
        if (service != null && service.isRunning()) {
            return bean(JdbcTemplate.class);
        }
        return new JdbcTemplate(new DriverManagerDataSource(properties.get("spring.datasource.url"),
                properties.get("spring.datasource.username"), properties.get("spring.datasource.password")));
    }

    @Override
    public void close() {
        if (service != null && service.isRunning()) {
            service.close();
        }
        salesforce.stop();
    }
}
