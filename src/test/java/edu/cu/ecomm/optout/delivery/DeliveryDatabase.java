package edu.cu.ecomm.optout.delivery;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import edu.cu.ecomm.optout.support.MutableClock;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.NewChange;
import edu.cu.ecomm.optout.support.MigratedDatabase;
import edu.cu.ecomm.optout.support.TestDatabases;

/**
 * A fresh, migrated database for bean tests: in-memory H2 in PostgreSQL mode, as the service runs it; or, when
 * {@code OPTOUT_TEST_DATABASE=postgres} (see {@link TestDatabases}), a new schema in the PostgreSQL database
 * named by {@code OPTOUT_TEST_POSTGRES_URL}, so the same tests check the same migrations and SQL there. A test
 * closes it ({@code @AutoClose}), see {@link MigratedDatabase}.
 */
final class DeliveryDatabase implements AutoCloseable {

    static final String H2_OPTIONS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";

    final MigratedDatabase dataSource;
    final JdbcTemplate jdbc;
    final TransactionTemplate transactions;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T15:00:00Z"));
    final ChangeLedger ledger;
    private final AtomicLong events = new AtomicLong();

    DeliveryDatabase() {
        this.dataSource = TestDatabases.migrated();
        this.jdbc = new JdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.ledger = new ChangeLedger(jdbc, clock);
    }

    @Override
    public void close() throws Exception {
        dataSource.close();
    }

    /** Records a CDC change and moves it to READY; returns its ledger id. */
    long ready(String contactId, boolean optedOut, Instant committed, int sequenceNumber) {
        return ready(contactId, optedOut, committed, sequenceNumber, "tx-" + committed);
    }

    long ready(String contactId, boolean optedOut, Instant committed, int sequenceNumber, String transactionKey) {
        long id = ledger.record(new NewChange(contactId, optedOut, "UPDATE", committed, 1L, transactionKey,
                sequenceNumber, "event-" + events.incrementAndGet(), null, "com/salesforce/api/rest/64.0",
                "005000000000001AAA", ChangeSource.CDC)).orElseThrow();
        ledger.markReady(id);
        return id;
    }

    static String contact(int n) {
        return String.format("003%012dAAA", n);
    }
}
