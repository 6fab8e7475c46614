package edu.cu.ecomm.optout.support;

import java.util.Map;
import java.util.UUID;

import org.flywaydb.core.Flyway;
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

    /**
     * A new database with the service's schema, for tests of beans without the application: in memory on H2, a new
     * schema on PostgreSQL (OPTOUT_TEST_DATABASE=postgres). The test closes it ({@code @AutoClose}): an in-memory
     * database otherwise stays in the JVM until the run ends.
     */
    public static MigratedDatabase migrated() {
        MigratedDatabase database;
        if (onPostgres()) {
            Map<String, String> postgres = properties(newName());
            database = new MigratedDatabase(postgres.get("spring.datasource.url"),
                    postgres.get("spring.datasource.username"), postgres.get("spring.datasource.password"), false);
            Flyway.configure().dataSource(database).schemas(postgres.get("spring.flyway.schemas"))
                    .locations("classpath:db/migration").load().migrate();
        } else {
            database = new MigratedDatabase("jdbc:h2:mem:" + UUID.randomUUID()
                    + ";DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "sa", "",
                    true);
            Flyway.configure().dataSource(database).locations("classpath:db/migration").load().migrate();
        }
        return database;
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
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE;WRITE_DELAY=0;DEFRAG_ALWAYS=TRUE",
                "spring.datasource.username", "sa",
                "spring.datasource.password", "");
    }
}
