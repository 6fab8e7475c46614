package edu.cu.ecomm.optout.delivery;

import java.nio.file.Path;

import edu.cu.ecomm.optout.support.TestDatabases;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The service with only the {@code ascend-nightly} route, on a database of its own, delivering to a folder: its
 * Quartz trigger never fires on its own (tests call {@code direct:ascend-deliver-now}) and retries are quick.
 */
final class NightlyRouteAlone {

    private NightlyRouteAlone() {
    }

    static void register(DynamicPropertyRegistry registry, Path outbox, Path staging) {
        TestDatabases.register(registry, TestDatabases.newName());
        registry.add("camel.main.routes-include-pattern", () -> "file:routes/ascend-nightly.camel.yaml");
        registry.add("optout.ascend.cron", () -> "0 0 1 1 1 ? 2099");
        registry.add("optout.ascend.endpoint", () -> "file:" + outbox + "?tempPrefix=.part-");
        registry.add("optout.ascend.staging-dir", staging::toString);
        registry.add("optout.ascend.retry.delay", () -> "10");
    }
}
