package edu.cu.ecomm.optout.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.support.EmulatedServiceProperties;
import edu.cu.ecomm.optout.support.RunningService;
import edu.cu.ecomm.optout.support.TestDatabases;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The postgres profile as an admin uses it: URL, user and password only from OPTOUT_DB_URL, OPTOUT_DB_USER and
 * OPTOUT_DB_PASSWORD; Flyway builds the schema. Runs when OPTOUT_TEST_DATABASE=postgres (CI's second pass).
 */
class PostgresProfileIntegrationTest {

    @Test
    void postgresProfileTakesTheDatabaseFromTheEnvironmentSettings() {
        assumeTrue(TestDatabases.onPostgres(), "PostgreSQL only (OPTOUT_TEST_DATABASE=postgres)");
        Map<String, String> database = TestDatabases.properties(TestDatabases.newName());
        try (SalesforceEmulator salesforce = SalesforceEmulator.onPorts(0, 0).start()) {
            Map<String, String> properties = new HashMap<>(
                    EmulatedServiceProperties.forSalesforce(salesforce.httpPort(), salesforce.pubSubPort()));
            properties.put("spring.profiles.active", "postgres");
            properties.put("OPTOUT_DB_URL", database.get("spring.datasource.url"));
            properties.put("OPTOUT_DB_USER", database.get("spring.datasource.username"));
            properties.put("OPTOUT_DB_PASSWORD", database.get("spring.datasource.password"));
            properties.put("spring.flyway.schemas", database.get("spring.flyway.schemas"));
            properties.put("spring.flyway.create-schemas", "true");
            try (RunningService service = RunningService.start(properties)) {
                DataSource dataSource = service.bean(DataSource.class);
                assertThat(((HikariDataSource) dataSource).getJdbcUrl()).startsWith("jdbc:postgresql:")
                        .isEqualTo(database.get("spring.datasource.url"));
                JdbcTemplate jdbc = new JdbcTemplate(dataSource);
                assertThat(jdbc.queryForObject("select count(*) from contact_change", Long.class)).isZero();
                assertThat(jdbc.queryForObject("select count(*) from ascend_batch", Long.class)).isZero();
                assertThat(service.bean(HealthEndpoint.class).healthForPath("db").getStatus()).isEqualTo(Status.UP);
            }
        }
    }
}
