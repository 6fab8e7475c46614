package edu.cu.ecomm.optout.optin;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.util.function.ThrowingConsumer;

import edu.cu.ecomm.optout.guard.HeldOptInSheet;
import edu.cu.ecomm.optout.optout.SalesforceRefusals;

/**
 * The YAML routes of {@code routes/} in a plain Camel context over the beans of a {@link FlowsFixture}, the
 * way the application wires them, without Spring Boot (which would log in to Salesforce). Tests replace the
 * steps that call Salesforce by their ids and then {@link #start()}.
 */
public class FlowRoutes implements AutoCloseable {

    public final CamelContext context = new DefaultCamelContext();
    public final FlowsFixture f;
    private ProducerTemplate producer;

    public FlowRoutes(FlowsFixture f, Path outbox, String... routeFiles) throws Exception {
        this(f, outbox, Map.of(), routeFiles);
    }

    /** With {@code overrides} replacing the test defaults of application.yaml's keys. */
    public FlowRoutes(FlowsFixture f, Path outbox, Map<String, String> overrides, String... routeFiles)
            throws Exception {
        this.f = f;
        Properties properties = new Properties();
        properties.putAll(Map.of(
                "optout.optin.poll-interval", "3600000",
                "optout.preferences.fields", FlowsFixture.PREFERENCES,
                "optout.preferences.retry-attempts", "3",
                "optout.preferences.retry-delay", "10",
                "optout.preferences.retry-max-delay", "50",
                "optout.resubscribe.cron", "0 0 7 ? * MON",
                "optout.resubscribe.time-zone", "America/Denver",
                "optout.resubscribe.endpoint", "file:" + outbox.resolve("resubscribe"),
                "optout.tickets.endpoint", "file:" + outbox.resolve("tickets"),
                "optout.tickets.retry-interval", "3600000"));
        properties.putAll(Map.of(
                "optout.resubscribe.retry.maximum-redeliveries", "2",
                "optout.resubscribe.retry.delay", "10",
                "optout.resubscribe.retry.maximum-delay", "50"));
        properties.putAll(overrides);
        context.getPropertiesComponent().setInitialProperties(properties);
        Registry registry = context.getRegistry();
        registry.bind("changeLedger", f.ledger);
        registry.bind("deadLetters", f.deadLetters);
        registry.bind("optInQueue", f.queue);
        registry.bind("optInOutcomes", f.outcomes);
        registry.bind("marketingCloudStatuses", f.marketingCloudStatuses);
        registry.bind("salesforceContacts", f.contacts);
        registry.bind("preferenceCheck", f.preferenceCheck);
        registry.bind("salesforceRefusals", new SalesforceRefusals());
        registry.bind("resubscribeRequests", f.requests);
        registry.bind("resubscribeRecheck", f.recheck);
        registry.bind("resubscribeSheet", f.sheet);
        registry.bind("resubscribeTickets", f.tickets);
        // The held-opt-ins file sent with the weekly sheet; names and emails are not looked up in these flows.
        registry.bind("heldOptInSheet", new HeldOptInSheet(f.held, soql -> List.of(), f.clock, "America/Denver"));
        registry.bind("transactionManager", f.transactionManager);
        for (String file : routeFiles) {
            PluginHelper.getRoutesLoader(context)
                    .loadRoutes(PluginHelper.getResourceLoader(context).resolveResource("file:routes/" + file));
        }
    }

    public FlowRoutes advice(String routeId, ThrowingConsumer<AdviceWithRouteBuilder, Exception> advice)
            throws Exception {
        AdviceWith.adviceWith(context, routeId, advice);
        return this;
    }

    public FlowRoutes start() {
        context.start();
        producer = context.createProducerTemplate();
        return this;
    }

    public Object send(String uri, Object body) {
        return producer.requestBody(uri, body);
    }

    @Override
    public void close() {
        context.stop();
    }
}
