package edu.cu.ecomm.optout.optin;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.apache.commons.lang3.StringUtils;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

import edu.cu.ecomm.optout.ledger.BatchUpdates;
import edu.cu.ecomm.optout.ledger.SqlTime;
import edu.cu.ecomm.optout.optout.ContactPreferences;

/**
 * Re-subscribe requests (table {@code resubscribe_request}). At most one request is open per contact and
 * business unit: the unique {@code open_key} makes a second opening a no-op, even from two nodes at once.
 */
@Component("resubscribeRequests")
public class ResubscribeRequests {

    public static final String URGENT_BY_FIELD = "CONTACT_FIELD";
    public static final String URGENT_BY_ADMIN = "ESCALATED";

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public ResubscribeRequests(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Opens a request for a contact in a unit unless one is already open there; joins the caller's transaction.
     * An open request found again is brought up to date (status, colour, check time; urgent if the contact is).
     *
     * @return true when a new request was opened
     */
    public boolean open(Long changeId, ContactPreferences contact, UnitStatus found) {
        Instant now = clock.instant();
        String email = contact.email() != null ? contact.email() : found.email();
        int inserted = jdbc.update("""
                insert into resubscribe_request (change_id, contact_id, contact_name, contact_email, mid, unit_name,
                    status_found, colour, urgent, urgent_reason, opened_at, last_checked_at, open_key)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                on conflict do nothing
                """, changeId, contact.contactId(), contact.name(), email, found.unit().mid(), found.unit().name(),
                found.status(), found.colour().name(), contact.urgent(), contact.urgent() ? URGENT_BY_FIELD : null,
                toSql(now), toSql(now), openKey(contact.contactId(), found.unit().mid()));
        if (inserted == 1) {
            return true;
        }
        jdbc.update("update resubscribe_request set status_found = ?, colour = ?, last_checked_at = ?,"
                        + " contact_name = coalesce(?, contact_name), contact_email = coalesce(?, contact_email)"
                        + " where open_key = ?",
                found.status(), found.colour().name(), toSql(now), contact.name(), email,
                openKey(contact.contactId(), found.unit().mid()));
        if (contact.urgent()) {
            jdbc.update("update resubscribe_request set urgent = true, urgent_reason = ? where open_key = ?"
                    + " and urgent = false", URGENT_BY_FIELD, openKey(contact.contactId(), found.unit().mid()));
        }
        return false;
    }

    public Optional<ResubscribeRequest> find(long id) {
        return jdbc.query("select * from resubscribe_request where id = ?", MAPPER, id).stream().findFirst();
    }

    /** Open requests, oldest first: what the weekly sheet lists. */
    public List<ResubscribeRequest> open() {
        return jdbc.query("select * from resubscribe_request where closed_at is null order by opened_at, id", MAPPER);
    }

    /** Every request for a contact, oldest first. */
    public List<ResubscribeRequest> forContact(String contactId) {
        return jdbc.query("select * from resubscribe_request where contact_id = ? order by id", MAPPER, contactId);
    }

    /** Records a re-check that found the subscriber still needing a re-subscribe. */
    public void rechecked(long id, String status, ShirtColour colour) {
        jdbc.update("update resubscribe_request set status_found = ?, colour = ?, last_checked_at = ?"
                + " where id = ? and closed_at is null", status, colour.name(), toSql(clock.instant()), id);
    }

    /** Closes an open request; false when it does not exist or is already closed. */
    public boolean close(long id, String reason) {
        return jdbc.update("update resubscribe_request set closed_at = ?, close_reason = ?, open_key = null"
                + " where id = ? and closed_at is null", toSql(clock.instant()), reason, id) == 1;
    }

    /** Closes every open request of a contact (it opted out again); returns how many. */
    public int closeOpenFor(String contactId, String reason) {
        return jdbc.update("update resubscribe_request set closed_at = ?, close_reason = ?, open_key = null"
                + " where contact_id = ? and closed_at is null", toSql(clock.instant()), reason, contactId);
    }

    /**
     * Closes the open requests that these changes' look-ups opened (the data-load guard held their opt-ins), except
     * an urgent one whose help-desk ticket has gone out: that ticket exists. Returns how many were closed.
     */
    public int closeUnticketed(Collection<Long> changeIds, String reason) {
        OffsetDateTime now = toSql(clock.instant());
        String fitted = StringUtils.abbreviate(reason, 255);
        return BatchUpdates.rowsChanged(jdbc.batchUpdate("update resubscribe_request set closed_at = ?,"
                + " close_reason = ?, open_key = null"
                + " where change_id = ? and closed_at is null and ticket_sent_at is null",
                changeIds.stream().map(id -> new Object[] {now, fitted, id}).toList()));
    }

    /** Makes an open request urgent; false when it does not exist, is closed or is urgent already. */
    public boolean escalate(long id) {
        return jdbc.update("update resubscribe_request set urgent = true, urgent_reason = ?"
                + " where id = ? and closed_at is null and urgent = false", URGENT_BY_ADMIN, id) == 1;
    }

    /**
     * Open urgent requests whose ticket has not been sent, oldest first: what the retry sends. A ticket that became a
     * dead letter is left to the letter's replay.
     */
    public List<Long> unsentTickets() {
        return jdbc.queryForList("select id from resubscribe_request where urgent = true and closed_at is null"
                + " and ticket_sent_at is null and ticket_dead_lettered_at is null order by id", Long.class);
    }

    /** An urgent ticket not sent yet, as an operator sees it: its attempts, the last error, whether it is a dead letter. */
    public record UnsentTicket(long requestId, String contactId, String unitName, int attempts, Instant failedAt,
                               String error, boolean deadLettered) {
    }

    /** Open urgent requests whose ticket has not been sent (waiting, failing or a dead letter), oldest first. */
    public List<UnsentTicket> unsentTicketDetails(int limit) {
        return jdbc.query("select id, contact_id, unit_name, ticket_attempts, ticket_failed_at, ticket_error,"
                        + " ticket_dead_lettered_at from resubscribe_request where urgent = true and closed_at is null"
                        + " and ticket_sent_at is null order by id limit ?",
                (rs, row) -> new UnsentTicket(rs.getLong("id"), rs.getString("contact_id"), rs.getString("unit_name"),
                        rs.getInt("ticket_attempts"), SqlTime.instant(rs, "ticket_failed_at"),
                        rs.getString("ticket_error"), rs.getObject("ticket_dead_lettered_at") != null), limit);
    }

    /**
     * Counts a failed send of a ticket not yet sent and keeps its error.
     *
     * @return the attempts so far, or 0 when the ticket was sent meanwhile (another node) or the request is unknown
     */
    public int ticketNotSent(long id, String error, Instant failedAt) {
        int updated = jdbc.update("update resubscribe_request set ticket_attempts = ticket_attempts + 1,"
                        + " ticket_failed_at = ?, ticket_error = ? where id = ? and ticket_sent_at is null",
                toSql(failedAt), StringUtils.abbreviate(error, 4000), id);
        return updated == 0 ? 0 : jdbc.queryForObject("select ticket_attempts from resubscribe_request where id = ?",
                Integer.class, id);
    }

    /**
     * Marks a ticket not yet sent as a dead letter, so that the retry leaves it to the letter's replay.
     *
     * @return false when it already is one (its letter is open, or was replayed and failed again) or was sent
     */
    public boolean deadLetterTicket(long id, Instant at) {
        return jdbc.update("update resubscribe_request set ticket_dead_lettered_at = ? where id = ?"
                + " and ticket_sent_at is null and ticket_dead_lettered_at is null", toSql(at), id) == 1;
    }

    /**
     * Claims the ticket of an urgent request until {@code until}, in a statement of its own: no row lock is held
     * while the ticket is sent (a slow help desk would otherwise hold up an opt-out closing the contact's requests,
     * and the weekly sheet). While the claim holds, another claim (another node, the retry route) gets nothing;
     * once it has run out (the sender crashed) the ticket may be claimed and sent again.
     *
     * @return the request, when this call claimed it
     */
    public Optional<ResubscribeRequest> claimTicket(long id, Instant until) {
        int claimed = jdbc.update("update resubscribe_request set ticket_claimed_until = ?"
                        + " where id = ? and urgent = true and closed_at is null and ticket_sent_at is null"
                        + " and (ticket_claimed_until is null or ticket_claimed_until <= ?)",
                toSql(until), id, toSql(clock.instant()));
        return claimed == 1 ? find(id) : Optional.empty();
    }

    /**
     * Records a claimed ticket as sent under {@code reference}, even if the request was closed while the ticket was
     * on its way (the contact opted out again): the help desk has it.
     */
    public void markTicketSent(long id, String reference) {
        jdbc.update("update resubscribe_request set ticket_sent_at = ?, ticket_reference = ?,"
                + " ticket_claimed_until = null where id = ? and ticket_sent_at is null",
                toSql(clock.instant()), reference, id);
    }

    /**
     * Gives up the claim {@code claimedUntil} of a ticket that was not sent, so that the retry sends it at once
     * rather than after the claim runs out. A no-op once it was marked sent, or claimed again by another sender
     * after this claim ran out.
     */
    public void releaseTicket(long id, Instant claimedUntil) {
        jdbc.update("update resubscribe_request set ticket_claimed_until = null"
                + " where id = ? and ticket_sent_at is null and ticket_claimed_until = ?", id, toSql(claimedUntil));
    }

    /** Whether the ticket of request {@code id} is a dead letter (left to the letter's replay). */
    public boolean isTicketDeadLettered(long id) {
        return jdbc.queryForObject("select count(*) from resubscribe_request where id = ?"
                + " and ticket_dead_lettered_at is not null", Long.class, id) == 1;
    }

    /** Notes that these requests were on the sheet exported at {@code exportedAt}. */
    public void markExported(Collection<Long> ids, Instant exportedAt) {
        for (Long id : ids) {
            jdbc.update("update resubscribe_request set exported_at = ? where id = ?", toSql(exportedAt), id);
        }
    }

    static String openKey(String contactId, long mid) {
        return contactId + ":" + mid;
    }

    private static final RowMapper<ResubscribeRequest> MAPPER = (rs, row) -> new ResubscribeRequest(
            rs.getLong("id"), (Long) rs.getObject("change_id", Long.class), rs.getString("contact_id"),
            rs.getString("contact_name"), rs.getString("contact_email"), rs.getLong("mid"), rs.getString("unit_name"),
            rs.getString("status_found"), ShirtColour.valueOf(rs.getString("colour")), rs.getBoolean("urgent"),
            rs.getString("urgent_reason"), SqlTime.instant(rs, "opened_at"), SqlTime.instant(rs, "last_checked_at"),
            SqlTime.instant(rs, "exported_at"), SqlTime.instant(rs, "closed_at"), rs.getString("close_reason"),
            rs.getString("ticket_reference"), SqlTime.instant(rs, "ticket_sent_at"));
}
