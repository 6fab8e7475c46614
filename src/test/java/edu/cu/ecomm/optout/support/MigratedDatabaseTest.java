package edu.cu.ecomm.optout.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** A bean test's in-memory database is gone once the test closes it, not kept in memory until the run ends. */
class MigratedDatabaseTest {

    @BeforeEach
    void onH2() {
        assumeFalse(TestDatabases.onPostgres(), "a PostgreSQL schema holds nothing in this JVM and is kept");
    }

    @Test
    void closingAnInMemoryDatabaseShutsItDownWithItsTables() throws Exception {
        MigratedDatabase database = TestDatabases.migrated();
        assertThat(ledgerTables(database.getUrl())).as("tables while open").isEqualTo(1);

        database.close();

        assertThat(ledgerTables(database.getUrl())).as("tables once closed").isZero();
    }

    @Test
    void aClosedDatabaseRefusesConnectionsRatherThanOpeningAnEmptyOne() throws Exception {
        MigratedDatabase database = TestDatabases.migrated();

        database.close();
        database.close();

        assertThatThrownBy(() -> new JdbcTemplate(database).queryForObject("select 1", Integer.class))
                .rootCause().hasMessageContaining("is closed");
    }

    /** The ledger's table in the database at {@code url}, 1 or 0; a database found gone is shut down again. */
    private static long ledgerTables(String url) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             Statement statement = connection.createStatement();
             ResultSet tables = statement.executeQuery(
                     "select count(*) from information_schema.tables where table_name = 'contact_change'")) {
            tables.next();
            long count = tables.getLong(1);
            if (count == 0) {
                // Connecting made a new, empty database of that name: it is not left behind either.
                statement.execute("SHUTDOWN");
            }
            return count;
        }
    }
}
