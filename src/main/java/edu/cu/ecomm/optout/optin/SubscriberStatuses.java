package edu.cu.ecomm.optout.optin;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import edu.cu.ecomm.optout.ledger.SqlTime;

/** What each business unit said about each opt-in (table {@code subscriber_status}). */
@Component("subscriberStatuses")
public class SubscriberStatuses {

    /** A stored status row. */
    public record StoredStatus(long changeId, String contactId, long mid, String unitName, String status,
                               ShirtColour colour, Instant checkedAt) {
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public SubscriberStatuses(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Stores one row per unit for a change; joins the caller's transaction; a unit stored before is kept. */
    public void record(long changeId, String contactId, List<UnitStatus> statuses) {
        Instant now = clock.instant();
        for (UnitStatus s : statuses) {
            jdbc.update("insert into subscriber_status (change_id, contact_id, mid, unit_name, status, colour,"
                            + " checked_at) values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing",
                    changeId, contactId, s.unit().mid(), s.unit().name(), s.status(), s.colour().name(), toSql(now));
        }
    }

    /** The statuses stored for a change, by MID. */
    public List<StoredStatus> forChange(long changeId) {
        return jdbc.query("select * from subscriber_status where change_id = ? order by mid", (rs, row) ->
                new StoredStatus(rs.getLong("change_id"), rs.getString("contact_id"), rs.getLong("mid"),
                        rs.getString("unit_name"), rs.getString("status"), ShirtColour.valueOf(rs.getString("colour")),
                        SqlTime.instant(rs, "checked_at")), changeId);
    }
}
