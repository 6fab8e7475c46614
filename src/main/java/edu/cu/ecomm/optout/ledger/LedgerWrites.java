package edu.cu.ecomm.optout.ledger;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One transaction at a time for everything that compares a contact's known value and then records a change
 * (CDC intake, gap re-reads, catch-ups). Without it a catch-up could compare against the ledger, a CDC event
 * for the same contact commit meanwhile, and both record the same change.
 */
@Component("ledgerWrites")
public class LedgerWrites {

    private final ReentrantLock lock = new ReentrantLock(true);
    private final TransactionTemplate transactions;

    public LedgerWrites(TransactionTemplate transactions) {
        this.transactions = transactions;
    }

    /** Runs {@code work} in a new transaction, holding the ledger's write lock until it has committed. */
    public <T> T inTransaction(Supplier<T> work) {
        lock.lock();
        try {
            return transactions.execute(status -> work.get());
        } finally {
            lock.unlock();
        }
    }
}
