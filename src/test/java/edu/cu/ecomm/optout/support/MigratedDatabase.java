package edu.cu.ecomm.optout.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A database with the service's schema for a bean test (see {@link TestDatabases#migrated()}). An in-memory H2 one
 * lives until it is closed ({@code DB_CLOSE_DELAY=-1}), so a test closes it, usually with {@code @AutoClose} on the
 * field holding it: otherwise each of the suite's hundreds of tests would leave its database, tables and rows in
 * the JVM's memory until the run ends. Closing it again does nothing; using it once closed is an error rather than a
 * new, empty database.
 */
public final class MigratedDatabase extends DriverManagerDataSource implements AutoCloseable {

    private final boolean inMemory;
    private volatile boolean closed;

    MigratedDatabase(String url, String username, String password, boolean inMemory) {
        super(url, username, password);
        this.inMemory = inMemory;
    }

    /**
     * Shuts an in-memory H2 database down, freeing what it held. A PostgreSQL schema is left for a look after the
     * run; it holds nothing in this JVM, as each connection is closed after its use.
     */
    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        if (inMemory) {
            try (Connection connection = getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SHUTDOWN");
            }
        }
        closed = true;
    }

    @Override
    protected Connection getConnectionFromDriverManager(String url, Properties props) throws SQLException {
        if (closed) {
            throw new SQLException("test database " + url + " is closed");
        }
        return super.getConnectionFromDriverManager(url, props);
    }
}
