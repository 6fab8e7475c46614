package edu.cu.ecomm.optout.ops;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

import edu.cu.ecomm.optout.ledger.SqlTime;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Figures of the nightly CU Ascend delivery, read from its table {@code ascend_batch}. */
@Component("deliveryFigures")
public class DeliveryFigures {

    /** A batch as the operator sees it. */
    public record Batch(long id, String fileName, String state, Integer rows, Integer changes, int attempts,
                        Instant createdAt, Instant deliveredAt, String lastError) {
    }

    private final JdbcTemplate jdbc;

    public DeliveryFigures(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The most recently delivered batch. */
    public Optional<Batch> lastDelivered() {
        return jdbc.query("select * from ascend_batch where state = 'DELIVERED' order by delivered_at desc, id desc"
                + " limit 1", (rs, row) -> batch(rs)).stream().findFirst();
    }

    /** A batch claimed but not delivered yet (it is re-sent first by the next run). */
    public Optional<Batch> pending() {
        return jdbc.query("select * from ascend_batch where state <> 'DELIVERED' order by id limit 1",
                (rs, row) -> batch(rs)).stream().findFirst();
    }

    public long batchesDelivered() {
        return jdbc.queryForObject("select count(*) from ascend_batch where state = 'DELIVERED'", Long.class);
    }

    public long rowsDelivered() {
        return jdbc.queryForObject("select coalesce(sum(row_count), 0) from ascend_batch where state = 'DELIVERED'",
                Long.class);
    }

    private static Batch batch(ResultSet rs) throws SQLException {
        return new Batch(rs.getLong("id"), rs.getString("file_name"), rs.getString("state"),
                (Integer) rs.getObject("row_count", Integer.class), (Integer) rs.getObject("change_count", Integer.class),
                rs.getInt("attempts"), SqlTime.instant(rs, "created_at"), SqlTime.instant(rs, "delivered_at"),
                rs.getString("last_error"));
    }
}
