package edu.cu.ecomm.optout.optout;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.ledger.DeadLetters;

/**
 * Checks a contact's email-preference categories against its change: after an opt-out Salesforce should have
 * cleared them all; after an opt-in the specialist should have re-ticked at least one. A disagreement is
 * recorded as a warning the weekly sheet lists; it never holds the change back.
 */
@Component("preferenceCheck")
public class PreferenceCheck {

    private static final Logger LOG = LoggerFactory.getLogger(PreferenceCheck.class);

    private final SalesforceContacts contacts;
    private final PreferenceWarnings warnings;
    private final DeadLetters deadLetters;
    private final ChangeLedger ledger;
    private final TransactionTemplate transaction;

    public PreferenceCheck(SalesforceContacts contacts, PreferenceWarnings warnings, DeadLetters deadLetters,
                           ChangeLedger ledger, TransactionTemplate transaction) {
        this.contacts = contacts;
        this.warnings = warnings;
        this.deadLetters = deadLetters;
        this.ledger = ledger;
        this.transaction = transaction;
    }

    /**
     * After an opt-out: records PREFERENCES_NOT_CLEARED when any category is still ticked, unless Salesforce no
     * longer shows the contact opted out. An opt-out handed over late (after downtime, behind a data load) may
     * have been followed by an opt-in; its categories are then the opt-in's, rightly ticked.
     *
     * @param contactJson the {@code getSObject} answer for the contact
     * @return whether Salesforce still shows the contact opted out
     */
    public boolean afterOptOut(ContactChange change, String contactJson) {
        ContactPreferences contact = contacts.fromRecord(contactJson);
        if (!contact.optedOut()) {
            LOG.info("Contact {} is no longer opted out in Salesforce; the check of its earlier opt-out (change {})"
                    + " is skipped", change.contactId(), change.id());
            return false;
        }
        List<String> ticked = contact.ticked();
        if (!ticked.isEmpty()) {
            warnings.record(change.id(), withId(contact, change), WarningKind.PREFERENCES_NOT_CLEARED, ticked);
            LOG.info("Contact {} opted out but still has {} ticked", change.contactId(), ticked);
        }
        return true;
    }

    /** After an opt-in: records NO_CATEGORY_RECHECKED when no category is ticked (and some are configured). */
    public boolean afterOptIn(long changeId, ContactPreferences contact) {
        if (contact.categories().isEmpty() || !contact.ticked().isEmpty()) {
            return false;
        }
        warnings.record(changeId, contact, WarningKind.NO_CATEGORY_RECHECKED, List.copyOf(contact.categories().keySet()));
        return true;
    }

    /**
     * Salesforce does not know the contact (deleted or merged since the change): the preferences cannot be
     * checked, which an operator should see, but the change still goes to CU Ascend.
     *
     * @param requestsClosed how many of the contact's open re-subscribe requests the route closed; null when it
     *                       left them open, the ledger holding a later opt-in
     */
    public void contactNotFound(ContactChange change, Exception error, Integer requestsClosed) {
        notChecked(change, "Contact not found in Salesforce; preferences not checked" + requests(requestsClosed)
                + ": " + messageOf(error));
    }

    /**
     * Salesforce refuses to read the contact (a preference field renamed or not readable): asking again would get
     * the same answer, and a change left RECEIVED would be handed over again at every poll, ahead of every change
     * behind it. An operator replays the letter once Salesforce reads the contact again (or checks the categories
     * by hand); the change goes to CU Ascend.
     *
     * @param requestsClosed as for {@link #contactNotFound}
     */
    public void readRefused(ContactChange change, Exception error, Integer requestsClosed) {
        notChecked(change, "Salesforce refused to read the contact; preferences not checked, replay this letter"
                + " once Salesforce reads it" + requests(requestsClosed) + ": " + messageOf(error));
    }

    /** What the route did with the contact's open re-subscribe requests, for the letter. */
    private static String requests(Integer closed) {
        if (closed == null) {
            return "; re-subscribe requests left open: the ledger holds a later opt-in";
        }
        return closed == 0 ? "" : "; " + closed + " open re-subscribe request(s) closed";
    }

    /** Marks the change READY and, with it, in one transaction, records why its preferences were not checked. */
    private void notChecked(ContactChange change, String reason) {
        transaction.executeWithoutResult(status -> {
            // Only the hand-over that moves the change writes the letter: one letter, however often it is handed over.
            // OptOutCheckReplay reads the change id back from the payload.
            if (ledger.markReady(change.id())) {
                deadLetters.record("opt-out", reason, String.valueOf(change), null, null, change.contactId());
            }
        });
    }

    private static String messageOf(Exception error) {
        return error == null ? "" : error.getMessage();
    }

    private static ContactPreferences withId(ContactPreferences contact, ContactChange change) {
        return contact.contactId() != null ? contact : new ContactPreferences(change.contactId(), contact.name(),
                contact.email(), contact.urgent(), contact.categories(), contact.optedOut());
    }
}
