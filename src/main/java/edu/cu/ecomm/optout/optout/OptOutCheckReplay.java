package edu.cu.ecomm.optout.optout;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.salesforce.api.SalesforceException;
import org.springframework.stereotype.Component;

import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.ledger.DeadLetterReplayer;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import edu.cu.ecomm.optout.optout.PreferenceWarnings.PreferenceWarning;

/**
 * Replays the dead letter of an opt-out whose contact Salesforce would not read ({@link PreferenceCheck#readRefused},
 * {@link PreferenceCheck#contactNotFound}): reads the contact again through the route {@code opt-out-check-replay} and
 * checks its preference categories as the route {@code opt-out} does. Only the check is redone: the change went to CU
 * Ascend when the letter was written. A warning is recorded once for a change, however often it is checked.
 */
@Component("optOutCheckReplay")
public class OptOutCheckReplay implements DeadLetterReplayer {

    static final String ROUTE_ID = "opt-out";
    static final String ROUTE = "direct:opt-out-check-replay";
    /** The letter's payload is the change as {@code String.valueOf(ContactChange)} wrote it. */
    private static final Pattern CHANGE_ID = Pattern.compile("^ContactChange\\[id=(\\d+),");

    private final ChangeLedger ledger;
    private final PreferenceWarnings warnings;
    private final ProducerTemplate producer;

    public OptOutCheckReplay(ChangeLedger ledger, PreferenceWarnings warnings, ProducerTemplate producer) {
        this.ledger = ledger;
        this.warnings = warnings;
        this.producer = producer;
    }

    @Override
    public boolean handles(DeadLetter letter) {
        return ROUTE_ID.equals(letter.routeId());
    }

    /**
     * Checks the opt-out's categories in Salesforce now.
     *
     * @throws IllegalStateException when Salesforce still does not read the contact, or the change is not in the
     *                               ledger any more; the letter stays open
     */
    @Override
    public String replay(DeadLetter letter) {
        ContactChange change = changeOf(letter).flatMap(ledger::find).orElseThrow(() -> new IllegalStateException(
                "the letter names no opt-out the ledger still holds; check the contact's categories in Salesforce by"
                        + " hand, then discard it"));
        boolean stillOptedOut;
        try {
            stillOptedOut = producer.requestBody(ROUTE, change, Boolean.class);
        } catch (CamelExecutionException e) {
            throw notRead(change, e.getCause() != null ? e.getCause() : e);
        }
        if (!stillOptedOut) {
            return "contact " + change.contactId() + " is no longer opted out in Salesforce (an opt-in followed):"
                    + " nothing to check";
        }
        return warnings.forContact(change.contactId()).stream()
                .filter(w -> w.changeId() == change.id() && w.kind() == WarningKind.PREFERENCES_NOT_CLEARED)
                .findFirst().map(PreferenceWarning::fields)
                .map(fields -> "preferences checked: " + fields + " still ticked, listed on the weekly sheet")
                .orElse("preferences checked: all cleared");
    }

    private static IllegalStateException notRead(ContactChange change, Throwable cause) {
        if (cause instanceof SalesforceException refusal && refusal.getStatusCode() == 404) {
            return new IllegalStateException("contact " + change.contactId() + " is not in Salesforce (deleted or"
                    + " merged): its categories cannot be checked; discard the letter", cause);
        }
        return new IllegalStateException("Salesforce did not read contact " + change.contactId() + ": "
                + cause.getMessage(), cause);
    }

    private static Optional<Long> changeOf(DeadLetter letter) {
        Matcher id = CHANGE_ID.matcher(letter.payload() == null ? "" : letter.payload());
        return id.find() ? Optional.of(Long.parseLong(id.group(1))) : Optional.empty();
    }
}
