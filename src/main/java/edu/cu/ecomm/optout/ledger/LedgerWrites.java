package edu.cu.ecomm.optout.ledger;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One transaction at a time for everything that compares a contact's known value and then records a change
 * (CDC intake, gap re-reads, catch-ups, held opt-ins, audit corrections). Without it a catch-up could compare
 * against the ledger, a CDC event for the same contact commit meanwhile, and both record the same change; or two
 * first sights of a contact could both insert its {@code contact_state} row.
 *
 * <p>Two locks, taken in this order: a fair JVM lock, so this node's writers queue cheaply and in turn, and then,
 * as the transaction's first statement, the single row of {@code ledger_write_lock} ({@code select ... for
 * update}), so that writers on other instances sharing the database (scheduler routes and JMX operations run on
 * every node of a cluster) wait too. The row lock is held until the transaction commits or rolls back.
 */
@Component("ledgerWrites")
public class LedgerWrites {

    private final ReentrantLock lock = new ReentrantLock(true);
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    public LedgerWrites(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /** Runs {@code work} in a new transaction, holding the ledger's write lock until it has committed. */
    public <T> T inTransaction(Supplier<T> work) {
        lock.lock();
        try {
            return transactions.execute(status -> {
                jdbc.queryForObject("select name from ledger_write_lock where name = 'ledger' for update", String.class);
                return work.get();
            });
        } finally {
            lock.unlock();
        }
    }
}
