package edu.cu.ecomm.optout.support;

import java.util.Map;
import java.util.UUID;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Gives each application a test starts a database of its own: an H2 file under {@code target/test-db} by
 * default, or, when {@code OPTOUT_TEST_DATABASE=postgres}, a fresh schema in the PostgreSQL database named by
 * {@code OPTOUT_TEST_POSTGRES_URL} (CI starts one). The same Flyway migrations build both.
 */
public final class TestDatabases {

    private TestDatabases() {
    }

    /** A new, empty database's settings; pass the same {@code name} again to reopen it after a restart. */
    public static String newName() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    public static boolean onPostgres() {
        return "postgres".equalsIgnoreCase(System.getenv("OPTOUT_TEST_DATABASE"));
    }

    public static void register(DynamicPropertyRegistry registry, String name) {
        properties(name).forEach((key, value) -> registry.add(key, () -> value));
    }

    /** Spring properties selecting database {@code name}, as key-value pairs for a registry or a command line. */
    public static Map<String, String> properties(String name) {
        if (onPostgres()) {
            String url = System.getenv("OPTOUT_TEST_POSTGRES_URL");
            if (url == null) {
                throw new IllegalStateException("OPTOUT_TEST_DATABASE=postgres needs OPTOUT_TEST_POSTGRES_URL");
            }
            return Map.of(
                    "spring.datasource.url", url + (url.contains("?") ? "&" : "?") + "currentSchema=" + name,
                    "spring.datasource.username", System.getenv().getOrDefault("OPTOUT_TEST_POSTGRES_USER", "optout"),
                    "spring.datasource.password", System.getenv().getOrDefault("OPTOUT_TEST_POSTGRES_PASSWORD", ""),
                    "spring.flyway.schemas", name,
                    "spring.flyway.create-schemas", "true");
        }
        return Map.of(
                "spring.datasource.url", "jdbc:h2:file:./target/test-db/" + name
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE;WRITE_DELAY=0",
                "spring.datasource.username", "sa",
                "spring.datasource.password", "");
    }
}
