package edu.cu.ecomm.localdemo;

import java.io.IOException;
import java.nio.file.Path;

import edu.cu.ecomm.optout.OptOutSyncApplication;
import edu.cu.ecomm.optout.emulator.LocalEmulators;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.util.FileSystemUtils;

/**
 * The local demo behind {@code mvn -B spring-boot:test-run}: the real service, its routes and the embedded H2
 * database, with the emulators in-process and a steady trickle of realistic contact changes made through the
 * emulated org's REST API.
 *
 * <p>Each run starts with a new org (the emulators live in this process), and so with a new ledger of its own in
 * {@code data/demo}: a ledger kept from an earlier run would hold replay ids and values of contacts this org never
 * had, and its catch-up would record the differences as changes. The service's default database
 * ({@code data/optout-sync}) is left alone. To restart the service against an org that keeps its events, run the
 * standalone emulators instead (README, "Running against standalone emulators").
 *
 * <p>The annotation is only there so the Spring Boot plugin picks this class among the main classes of the test
 * sources; the class lives outside the service's package so that no component scan ever finds it.
 */
@SpringBootApplication
public class LocalDemo {

    private static final Path LEDGER_FOLDER = Path.of("data", "demo");
    private static final String LEDGER_URL = "jdbc:h2:file:./data/demo/optout-sync;MODE=PostgreSQL;"
            + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE;WRITE_DELAY=0;DEFRAG_ALWAYS=TRUE";

    public static void main(String[] args) throws IOException {
        FileSystemUtils.deleteRecursively(LEDGER_FOLDER);
        // A system property: ./application.yaml outranks a profile's file on the class path; a --argument still wins.
        System.setProperty("spring.datasource.url", LEDGER_URL);
        SpringApplication.from(OptOutSyncApplication::main)
                .with(LocalEmulators.class, DemoTraffic.class)
                .withAdditionalProfiles("local", "demo")
                .run(args);
    }
}
