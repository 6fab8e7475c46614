package edu.cu.ecomm.optout.delivery;

import java.util.function.Consumer;
import java.util.function.LongConsumer;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.Direction;
import edu.cu.ecomm.optout.ledger.SqlTime;

/**
 * Collapses a batch to one row per contact: the contact's last change by commit time, then transaction order
 * (sequence number), then ledger id, so a contact that flipped and flipped back ends at its final value.
 * Streams: the database returns the batch's READY changes in that order from index
 * {@code ix_contact_change_ready} a fetch at a time, and only the current contact's latest change is held.
 */
@Component("batchCollapser")
public class BatchCollapser {

    static final int FETCH_SIZE = 2_000;

    private final JdbcTemplate streaming;
    private final TransactionTemplate transactions;

    public BatchCollapser(DataSource dataSource, TransactionTemplate transactions) {
        this.streaming = new JdbcTemplate(dataSource);
        this.streaming.setFetchSize(FETCH_SIZE);
        this.transactions = transactions;
    }

    /**
     * Hands the final change of every contact among the READY changes up to {@code highWaterId} to
     * {@code sink}, in contact id order, and the ledger id of every change read to {@code members}.
     *
     * @return the number of contacts
     */
    public long collapse(long highWaterId, Consumer<CollapsedChange> sink, LongConsumer members) {
        LastPerContact last = new LastPerContact(sink);
        // The high-water mark is applied here, not in the query: with "id <= ?" in it, H2 prefers the dispatch
        // index (state, id) for the range, then sorts and visits every row — seven times slower on a million
        // changes (BENCHMARKS.md). So the covering index in collapse order serves the read; the few changes made
        // READY after the claim are skipped as they come.
        transactions.executeWithoutResult(status -> streaming.query("""
                select contact_id, commit_timestamp, sequence_number, id, opted_out, source
                from contact_change where state = ?
                order by contact_id, commit_timestamp, sequence_number, id
                """, rs -> {
            long id = rs.getLong(4);
            if (id > highWaterId) {
                return;
            }
            boolean optedOut = rs.getBoolean(5);
            members.accept(id);
            last.accept(new CollapsedChange(rs.getString(1), optedOut, Direction.of(optedOut),
                    SqlTime.instant(rs, "commit_timestamp"), ChangeSource.valueOf(rs.getString(6)), id));
        }, ChangeState.READY.name()));
        return last.finish();
    }

    /**
     * Given a contact's changes in collapse order, contact after contact, passes on the last of each contact.
     */
    static final class LastPerContact implements Consumer<CollapsedChange> {
        private final Consumer<CollapsedChange> sink;
        private CollapsedChange current;
        private long contacts;

        LastPerContact(Consumer<CollapsedChange> sink) {
            this.sink = sink;
        }

        @Override
        public void accept(CollapsedChange change) {
            if (current != null && !current.contactId().equals(change.contactId())) {
                emit();
            }
            current = change;
        }

        long finish() {
            if (current != null) {
                emit();
                current = null;
            }
            return contacts;
        }

        private void emit() {
            sink.accept(current);
            contacts++;
        }
    }
}
