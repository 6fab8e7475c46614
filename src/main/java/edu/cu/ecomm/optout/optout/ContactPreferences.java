package edu.cu.ecomm.optout.optout;

import java.util.List;
import java.util.Map;

/**
 * What the flows read from a Salesforce Contact: who it is, whether a re-subscribe is urgent, and its
 * email-preference categories.
 *
 * @param contactId  18-character Contact id
 * @param name       the contact's full name, may be null
 * @param email      the contact's email, may be null
 * @param urgent     the configured urgent re-subscribe field (false when it is not configured or empty)
 * @param categories each configured preference field and whether it is ticked, in configuration order
 * @param optedOut   the contact's Email Opt Out as Salesforce holds it now
 */
public record ContactPreferences(String contactId, String name, String email, boolean urgent,
                                 Map<String, Boolean> categories, boolean optedOut) {

    /** A contact that is not opted out (now). */
    public ContactPreferences(String contactId, String name, String email, boolean urgent,
                              Map<String, Boolean> categories) {
        this(contactId, name, email, urgent, categories, false);
    }

    /** The categories that are ticked, in configuration order. */
    public List<String> ticked() {
        return categories.entrySet().stream().filter(e -> Boolean.TRUE.equals(e.getValue()))
                .map(Map.Entry::getKey).toList();
    }
}
