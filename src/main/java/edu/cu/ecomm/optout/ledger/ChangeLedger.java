package edu.cu.ecomm.optout.ledger;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;

/**
 * The change ledger: one row per contact per Email Opt Out change. Every flow reads rows in one state and
 * moves them to the next, so nothing lives only in memory and a crash loses nothing.
 */
@Component("changeLedger")
public class ChangeLedger {

    private static final String COLUMNS = "id, contact_id, opted_out, direction, change_type, commit_timestamp,"
            + " transaction_key, sequence_number, change_origin, commit_user, source, state";

    private static final String INSERT = """
            insert into contact_change (contact_id, opted_out, direction, change_type, commit_timestamp,
                commit_number, transaction_key, sequence_number, event_id, replay_id, change_origin,
                commit_user, source, state, recorded_at)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict do nothing
            """;

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public ChangeLedger(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Records a change as RECEIVED, unless the same event already recorded it for this contact (a replayed
     * event); joins the caller's transaction.
     *
     * @return the new row's id, or empty when it was already recorded
     */
    public Optional<Long> record(NewChange change) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        int inserted = jdbc.update(connection -> {
            PreparedStatement insert = connection.prepareStatement(INSERT, new String[] {"id"});
            bind(insert, change, ChangeState.RECEIVED);
            return insert;
        }, keys);
        return inserted == 0 ? Optional.empty() : Optional.of(keys.getKey().longValue());
    }

    /**
     * Records several changes as RECEIVED in one JDBC batch (one round trip, however many contacts one event
     * changed), skipping those already recorded; joins the caller's transaction.
     *
     * @return how many were new; the others had been recorded before
     */
    public int recordAll(List<NewChange> changes) {
        return recordAll(changes, ChangeState.RECEIVED);
    }

    /**
     * As {@link #recordAll(List)}, in {@code state}: RECEIVED; HELD for opt-ins the data-load guard holds (so
     * change-dispatch never sees them); READY for the parity audit's corrections, which skip the opt-out and opt-in
     * flows (see {@code audit.AuditCorrections}).
     */
    public int recordAll(List<NewChange> changes, ChangeState state) {
        if (changes.isEmpty()) {
            return 0;
        }
        int[] counts = jdbc.batchUpdate(INSERT, new BatchPreparedStatementSetter() {
            @Override
            public void setValues(PreparedStatement insert, int i) throws SQLException {
                bind(insert, changes.get(i), state);
            }

            @Override
            public int getBatchSize() {
                return changes.size();
            }
        });
        int recorded = 0;
        for (int count : counts) {
            // A driver that rewrites batches may not say per row (SUCCESS_NO_INFO); the row is then new or a no-op.
            if (count > 0 || count == Statement.SUCCESS_NO_INFO) {
                recorded++;
            }
        }
        return recorded;
    }

    private void bind(PreparedStatement insert, NewChange change, ChangeState state) throws SQLException {
        insert.setString(1, change.contactId());
        insert.setBoolean(2, change.optedOut());
        insert.setString(3, Direction.of(change.optedOut()).name());
        insert.setString(4, change.changeType());
        insert.setObject(5, toSql(change.commitTimestamp()));
        insert.setObject(6, change.commitNumber());
        insert.setString(7, change.transactionKey());
        insert.setObject(8, change.sequenceNumber());
        insert.setString(9, change.eventId());
        insert.setString(10, change.replayId());
        insert.setString(11, change.changeOrigin());
        insert.setString(12, change.commitUser());
        insert.setString(13, change.source().name());
        insert.setString(14, state.name());
        insert.setObject(15, toSql(clock.instant()));
    }

    /** The oldest changes whose opt-out or opt-in flow has not run yet, in recording order. */
    public List<ContactChange> received(int limit) {
        return jdbc.query("select " + COLUMNS + " from contact_change where state = ? order by id limit ?",
                ChangeLedger::toChange, ChangeState.RECEIVED.name(), limit);
    }

    /** Moves a change from RECEIVED to READY for the nightly batch; false if it had already moved on. */
    public boolean markReady(long id) {
        return jdbc.update("update contact_change set state = ? where id = ? and state = ?",
                ChangeState.READY.name(), id, ChangeState.RECEIVED.name()) == 1;
    }

    public Optional<ContactChange> find(long id) {
        return jdbc.query("select " + COLUMNS + " from contact_change where id = ?", ChangeLedger::toChange, id)
                .stream().findFirst();
    }

    /**
     * Whether the ledger holds no opt-in of the opt-out's contact committed after it (ordered as intake orders: by
     * commit time, then recording order). An opt-in an admin rejected, or one superseded, does not count: it never
     * stood as the contact's choice.
     */
    public boolean noLaterOptIn(ContactChange optOut) {
        return jdbc.queryForObject("""
                select count(*) from contact_change
                where contact_id = ? and direction = ? and state not in (?, ?)
                  and (commit_timestamp > ? or (commit_timestamp = ? and id > ?))
                """, Long.class, optOut.contactId(), Direction.OPT_IN.name(), ChangeState.REJECTED.name(),
                ChangeState.SUPERSEDED.name(), toSql(optOut.commitTimestamp()), toSql(optOut.commitTimestamp()),
                optOut.id()) == 0;
    }

    /** Every change recorded for a contact, oldest first. */
    public List<ContactChange> forContact(String contactId) {
        return jdbc.query("select " + COLUMNS + " from contact_change where contact_id = ? order by id",
                ChangeLedger::toChange, contactId);
    }

    public long count() {
        return jdbc.queryForObject("select count(*) from contact_change", Long.class);
    }

    public long count(ChangeState state) {
        return jdbc.queryForObject("select count(*) from contact_change where state = ?", Long.class, state.name());
    }

    private static ContactChange toChange(ResultSet rs, int row) throws SQLException {
        return new ContactChange(
                rs.getLong("id"),
                rs.getString("contact_id"),
                rs.getBoolean("opted_out"),
                Direction.valueOf(rs.getString("direction")),
                rs.getString("change_type"),
                SqlTime.instant(rs, "commit_timestamp"),
                rs.getString("transaction_key"),
                (Integer) rs.getObject("sequence_number"),
                rs.getString("change_origin"),
                rs.getString("commit_user"),
                ChangeSource.valueOf(rs.getString("source")),
                ChangeState.valueOf(rs.getString("state")));
    }
}
