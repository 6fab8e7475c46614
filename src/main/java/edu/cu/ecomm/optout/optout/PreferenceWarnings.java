package edu.cu.ecomm.optout.optout;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

import edu.cu.ecomm.optout.ledger.SqlTime;

/** Contacts whose preference categories disagree with their change (table {@code preference_warning}). */
@Component("preferenceWarnings")
public class PreferenceWarnings {

    /** A warning as the weekly sheet lists it. */
    public record PreferenceWarning(long id, long changeId, String contactId, String contactName,
                                    String contactEmail, WarningKind kind, String fields, Instant foundAt,
                                    Instant listedAt) {
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public PreferenceWarnings(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Records a warning for a change; recording the same kind for the same change again is a no-op. */
    public boolean record(long changeId, ContactPreferences contact, WarningKind kind, List<String> fields) {
        return jdbc.update("insert into preference_warning (change_id, contact_id, contact_name, contact_email, kind,"
                        + " fields, found_at) values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing",
                changeId, contact.contactId(), contact.name(), contact.email(), kind.name(), String.join(",", fields),
                toSql(clock.instant())) == 1;
    }

    /** Warnings not yet listed on a sheet, oldest first. */
    public List<PreferenceWarning> unlisted() {
        return jdbc.query("select * from preference_warning where listed_at is null order by id", MAPPER);
    }

    /** Notes that these warnings were on the sheet exported at {@code listedAt}. */
    public void markListed(Collection<Long> ids, Instant listedAt) {
        for (Long id : ids) {
            jdbc.update("update preference_warning set listed_at = ? where id = ? and listed_at is null",
                    toSql(listedAt), id);
        }
    }

    /** Every warning about a contact, oldest first. */
    public List<PreferenceWarning> forContact(String contactId) {
        return jdbc.query("select * from preference_warning where contact_id = ? order by id", MAPPER, contactId);
    }

    private static final RowMapper<PreferenceWarning> MAPPER = (rs, row) -> new PreferenceWarning(rs.getLong("id"),
            rs.getLong("change_id"), rs.getString("contact_id"), rs.getString("contact_name"),
            rs.getString("contact_email"), WarningKind.valueOf(rs.getString("kind")), rs.getString("fields"),
            SqlTime.instant(rs, "found_at"), SqlTime.instant(rs, "listed_at"));
}
