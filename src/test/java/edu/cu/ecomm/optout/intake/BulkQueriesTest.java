package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import edu.cu.ecomm.optout.emulator.salesforce.CamelSalesforceClients;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceHttpEmulator;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

class BulkQueriesTest {

    @Test
    void aQueryJobThatDoesNotCompleteInTimeIsAbortedSoThatItStopsRunningInSalesforce() throws Exception {
        try (SalesforceHttpEmulator salesforce = new SalesforceHttpEmulator(commit -> { });
             DefaultCamelContext camel = bulkQueryRoutesAgainst(salesforce)) {
            salesforce.seedContacts(3, 7);
            salesforce.holdBulkQueryJobs();
            BulkQueries bulk = new BulkQueries(camel.createProducerTemplate());

            assertThatThrownBy(() -> bulk.query("SELECT Id FROM Contact",
                    new BulkQueries.Settings(100, Duration.ofMillis(20), Duration.ofMillis(200)), (header, rows) -> { }))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("not complete after PT0.2S");

            assertThat(salesforce.bulkQueryJobStates().values()).containsExactly("Aborted");
        }
    }

    @Test
    void aResultsPageIsReadAsItsHeaderThenOneRowAtATimeUnquoted() {
        String page = "\"Id\",\"HasOptedOutOfEmail\",\"Title\"\r\n"
                + "\"003000000000001AAA\",\"true\",\"a, \"\"b\"\"\"\r\n"
                + "\r\n"
                + "\"003000000000002AAA\",\"false\",\"two\nlines\"\r\n";
        List<String> header = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();

        BulkQueries.readPage(new ByteArrayInputStream(page.getBytes(StandardCharsets.UTF_8)), (names, records) -> {
            header.addAll(names);
            records.forEachRemaining(rows::add);
        });

        assertThat(header).containsExactly("Id", "HasOptedOutOfEmail", "Title");
        assertThat(rows).containsExactly(
                List.of("003000000000001AAA", "true", "a, \"b\""),
                List.of("003000000000002AAA", "false", "two\nlines"));
    }

    @Test
    void anEmptyPageReadsNothing() {
        List<String> header = new ArrayList<>();
        BulkQueries.readPage(new ByteArrayInputStream(new byte[0]), (names, records) -> header.addAll(names));
        assertThat(header).isEmpty();
    }

    /** The {@code salesforce-bulk-query-*} routes of routes/catch-up.camel.yaml, started against the emulated org. */
    private static DefaultCamelContext bulkQueryRoutesAgainst(SalesforceHttpEmulator salesforce) throws Exception {
        salesforce.start();
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.addComponent("salesforce", CamelSalesforceClients.componentFor(salesforce));
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel,
                "file:" + Path.of("routes", "catch-up.camel.yaml").toAbsolutePath()));
        ModelCamelContext model = camel.getCamelContextExtension().getContextPlugin(ModelCamelContext.class);
        model.removeRouteDefinitions(model.getRouteDefinitions().stream()
                .filter(route -> !route.getRouteId().startsWith("salesforce-bulk-query-")).toList());
        camel.start();
        return camel;
    }
}
