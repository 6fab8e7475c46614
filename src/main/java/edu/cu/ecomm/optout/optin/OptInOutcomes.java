package edu.cu.ecomm.optout.optin;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.ledger.Direction;
import edu.cu.ecomm.optout.marketingcloud.SubscriberStatus;
import edu.cu.ecomm.optout.optout.ContactPreferences;
import edu.cu.ecomm.optout.optout.PreferenceCheck;

/**
 * Stores the outcome of a batch of opt-in look-ups, one transaction per opt-in: the status in every business
 * unit, a re-subscribe request for every unit where the subscriber is not green (or not found), the
 * "no category re-checked" warning, and the look-up marked done. Green or not found everywhere: nothing more.
 * A contact opted out again by the time of the look-up (Salesforce shows it, or the ledger holds a later opt-out)
 * gets its statuses stored and nothing else. A look-up that is no longer pending when its outcome arrives (its
 * opt-in was held meanwhile, or another node finished it) records nothing at all.
 */
@Component("optInOutcomes")
public class OptInOutcomes {

    private static final Logger LOG = LoggerFactory.getLogger(OptInOutcomes.class);

    private final BusinessUnits units;
    private final SubscriberStatuses statuses;
    private final ResubscribeRequests requests;
    private final PreferenceCheck preferenceCheck;
    private final OptInQueue queue;
    private final ChangeLedger ledger;
    private final DeadLetters deadLetters;
    private final TransactionTemplate transaction;

    public OptInOutcomes(BusinessUnits units, SubscriberStatuses statuses, ResubscribeRequests requests,
                         PreferenceCheck preferenceCheck, OptInQueue queue, ChangeLedger ledger,
                         DeadLetters deadLetters, TransactionTemplate transaction) {
        this.units = units;
        this.statuses = statuses;
        this.requests = requests;
        this.preferenceCheck = preferenceCheck;
        this.queue = queue;
        this.ledger = ledger;
        this.deadLetters = deadLetters;
        this.transaction = transaction;
    }

    /**
     * @param batch    the claimed look-ups
     * @param contacts what Salesforce holds for them, by contact id (a contact Salesforce no longer has is absent)
     * @param found    every Marketing Cloud record of their subscriber keys
     * @return how many re-subscribe requests were opened
     */
    public int record(Collection<OptInLookup> batch, Map<String, ContactPreferences> contacts,
                      List<SubscriberStatus> found) {
        Map<String, List<SubscriberStatus>> byKey = found.stream()
                .collect(Collectors.groupingBy(SubscriberStatus::subscriberKey));
        int opened = 0;
        for (OptInLookup lookup : batch) {
            opened += transaction.execute(tx -> recordOne(lookup, contacts.get(lookup.contactId()),
                    byKey.getOrDefault(lookup.contactId(), List.of())));
        }
        return opened;
    }

    private int recordOne(OptInLookup lookup, ContactPreferences contact, List<SubscriberStatus> records) {
        // First, before storing anything: a held opt-in must have no look-up outcome (statuses, requests, tickets).
        if (!queue.complete(lookup.changeId())) {
            LOG.info("Opt-in look-up of change {} (contact {}) is no longer pending (held or done meanwhile);"
                    + " its outcome is not recorded", lookup.changeId(), lookup.contactId());
            return 0;
        }
        if (contact == null) {
            // Informational: the look-up goes on below, so a replay would have nothing to redo.
            deadLetters.record("opt-in-lookups", "Contact not found in Salesforce; Marketing Cloud checked without"
                    + " name, urgency or preference check; nothing to replay (the look-up went ahead): check the"
                    + " contact in Salesforce, then discard this letter", lookup.toString(), null, null,
                    lookup.contactId());
            contact = new ContactPreferences(lookup.contactId(), null, null, false, Map.of());
        }
        // Salesforce was read before Marketing Cloud; an opt-out since then is in the ledger, and its opt-out flow
        // may already have closed the contact's requests, finding none: a request opened now would stay open.
        boolean optedOutAgain = contact.optedOut() || optedOutSince(lookup);
        if (!optedOutAgain) {
            preferenceCheck.afterOptIn(lookup.changeId(), contact);
        }
        List<UnitStatus> perUnit = units.statuses(records);
        statuses.record(lookup.changeId(), lookup.contactId(), perUnit);
        if (optedOutAgain) {
            // Opted out again before the look-up finished: nobody should re-subscribe the contact now.
            LOG.info("Contact {} opted out again before its opt-in look-up; no re-subscribe request", lookup.contactId());
            return 0;
        }
        int opened = 0;
        for (UnitStatus unit : perUnit) {
            if (unit.colour().needsResubscribe() && requests.open(lookup.changeId(), contact, unit)) {
                opened++;
                LOG.info("Re-subscribe request opened for contact {} in {} ({}, {})", lookup.contactId(),
                        unit.unit().name(), unit.status(), unit.colour());
            }
        }
        return opened;
    }

    /** Whether the ledger holds an opt-out of the contact committed after this opt-in (ordered as intake orders). */
    private boolean optedOutSince(OptInLookup lookup) {
        List<ContactChange> changes = ledger.forContact(lookup.contactId());
        return changes.stream().filter(c -> c.id() == lookup.changeId()).findFirst()
                .map(optIn -> changes.stream().anyMatch(c -> c.direction() == Direction.OPT_OUT && isLater(c, optIn)))
                .orElse(false);
    }

    private static boolean isLater(ContactChange change, ContactChange than) {
        int byCommit = change.commitTimestamp().compareTo(than.commitTimestamp());
        return byCommit > 0 || (byCommit == 0 && change.id() > than.id());
    }
}
