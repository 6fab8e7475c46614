package edu.cu.ecomm.optout.delivery;

import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * A contact whose last change is older than a change already delivered gets no row: CU Ascend keeps the newer
 * value. (An opt-out whose flow kept it RECEIVED while Salesforce was unreachable can become READY after a later
 * opt-in of the same contact was delivered.)
 * Streams: the database returns the batch's READY changes in that order from index
 * {@code ix_contact_change_ready} a fetch at a time, and only the current contact's latest change is held.
 */
@Component("batchCollapser")
public class BatchCollapser {

    private static final Logger LOG = LoggerFactory.getLogger(BatchCollapser.class);

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
                select c.contact_id, c.commit_timestamp, c.sequence_number, c.id, c.opted_out, c.source,
                       (select max(d.commit_timestamp) from contact_change d
                        where d.state = ? and d.contact_id = c.contact_id) as delivered_up_to
                from contact_change c where c.state = ?
                order by c.contact_id, c.commit_timestamp, c.sequence_number, c.id
                """, rs -> {
            long id = rs.getLong(4);
            if (id > highWaterId) {
                return;
            }
            boolean optedOut = rs.getBoolean(5);
            members.accept(id);
            last.accept(new CollapsedChange(rs.getString(1), optedOut, Direction.of(optedOut),
                    SqlTime.instant(rs, "commit_timestamp"), ChangeSource.valueOf(rs.getString(6)), id),
                    SqlTime.instant(rs, "delivered_up_to"));
        }, ChangeState.DELIVERED.name(), ChangeState.READY.name()));
        long contacts = last.finish();
        if (last.superseded() > 0) {
            LOG.info("{} contact(s) left out of the batch: their last change is older than one already delivered",
                    last.superseded());
        }
        return contacts;
    }

    /**
     * Given a contact's changes in collapse order, contact after contact, passes on the last of each contact
     * unless a newer change of that contact was delivered before.
     */
    static final class LastPerContact {
        private final Consumer<CollapsedChange> sink;
        private CollapsedChange current;
        private Instant deliveredUpTo;
        private long contacts;
        private long superseded;

        LastPerContact(Consumer<CollapsedChange> sink) {
            this.sink = sink;
        }

        /** @param deliveredUpTo the commit time of the contact's newest delivered change; null if none */
        void accept(CollapsedChange change, Instant deliveredUpTo) {
            if (current != null && !current.contactId().equals(change.contactId())) {
                emit();
            }
            current = change;
            this.deliveredUpTo = deliveredUpTo;
        }

        long finish() {
            if (current != null) {
                emit();
                current = null;
            }
            return contacts;
        }

        long superseded() {
            return superseded;
        }

        private void emit() {
            if (deliveredUpTo != null && current.changedAt().isBefore(deliveredUpTo)) {
                superseded++;
                return;
            }
            sink.accept(current);
            contacts++;
        }
    }
}
