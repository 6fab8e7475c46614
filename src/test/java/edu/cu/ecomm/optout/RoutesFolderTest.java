package edu.cu.ecomm.optout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

/**
 * Loads every file an admin may edit in {@code routes/} the way start-up does, so a broken edit fails here
 * before it fails a deployment.
 */
class RoutesFolderTest {

    private static final Path ROUTES = Path.of("routes");

    @Test
    void everyRouteFileLoadsAndDeclaresTheExpectedRoutes() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            for (Path file : routeFiles()) {
                Resource resource = ResourceHelper.resolveResource(camel, "file:" + file.toAbsolutePath());
                PluginHelper.getRoutesLoader(camel).loadRoutes(resource);
            }
            List<String> ids = camel.getCamelContextExtension().getContextPlugin(ModelCamelContext.class)
                    .getRouteDefinitions().stream().map(RouteDefinition::getRouteId).toList();
            assertThat(ids).contains("contact-changes", "record-change-events", "record-change-event", "change-dispatch", "opt-out", "opt-in", "opt-in-lookups",
                    "resubscribe-weekly", "resubscribe-export", "resubscribe-tickets", "resubscribe-ticket",
                    "resubscribe-tickets-retry", "ascend-nightly", "ascend-deliver-now", "gap-requery",
                    "catch-up-requests", "catch-up-sweep", "catch-up", "ascend-export-intake", "parity-audit-weekly",
                    "parity-audit", "parity-audit-report-replay", "opt-out-check-replay", "data-load-guard-restore", "data-load-guard-tidy");
        }
    }

    @Test
    void everyRouteHasADescriptionForTheAdmin() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            for (Path file : routeFiles()) {
                PluginHelper.getRoutesLoader(camel)
                        .loadRoutes(ResourceHelper.resolveResource(camel, "file:" + file.toAbsolutePath()));
            }
            assertThat(camel.getCamelContextExtension().getContextPlugin(ModelCamelContext.class)
                    .getRouteDefinitions())
                    .allSatisfy(route -> assertThat(route.getDescription())
                            .as("description of route %s", route.getRouteId()).isNotBlank());
        }
    }

    private static List<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.list(ROUTES)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        }
    }
}
