package edu.cu.ecomm.optout.intake;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import edu.cu.ecomm.optout.intake.ContactReconciler.Result;
import edu.cu.ecomm.optout.ledger.DeadLetterReplayer;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Replays intake's dead letters. The truth about a contact is Salesforce's current value, not a days-old event,
 * so replaying an event letter re-reads the contacts its payload names and records what differs from the last
 * known values (as for a gap event; event id {@code replay:<letter id>}, so replaying twice records nothing
 * twice). A letter without a readable payload — an event camel-salesforce skipped — is replayed as a catch-up
 * from the letter's {@code catch_up_from} (the checkpoint's commit time when it was skipped), or from its
 * creation minus the sweep's look-back. A letter for a record id that is not a Contact's cannot be replayed:
 * nothing in Salesforce can be re-read for it; the operator discards it.
 *
 * <p>Dead letters cluster around data loads, so a replay's opt-ins pass the data-load guard like the event's would
 * have: counted with the event's Salesforce transaction when the letter keeps its header
 * ({@link DeadLetterTransaction}), so that a Data Loader's origin holds them and one transaction's letters count
 * together; otherwise as the catch-up from the letter's time would count them, since that is what they stand for.
 */
@Component
class IntakeDeadLetterReplayer implements DeadLetterReplayer {

    private static final Pattern CONTACT_ID = Pattern.compile("(?<![0-9A-Za-z])003[0-9A-Za-z]{12}(?:[0-9A-Za-z]{3})?(?![0-9A-Za-z])");

    private final GapRequeries gapRequeries;
    private final CatchUps catchUps;
    private final Duration lookBack;

    IntakeDeadLetterReplayer(GapRequeries gapRequeries, CatchUps catchUps,
                             @Value("${optout.catch-up.look-back:PT2H}") Duration lookBack) {
        this.gapRequeries = gapRequeries;
        this.catchUps = catchUps;
        this.lookBack = lookBack;
    }

    @Override
    public boolean handles(DeadLetter letter) {
        return ContactChangeRecorder.ROUTE_ID.equals(letter.routeId());
    }

    @Override
    public String replay(DeadLetter letter) {
        if (letter.contactId() != null && SalesforceIds.toContactId18(letter.contactId()).isEmpty()) {
            throw new IllegalStateException("record id " + letter.contactId() + " is not a Contact's; nothing to"
                    + " re-read. Discard the letter once the cause is understood");
        }
        Set<String> contacts = new LinkedHashSet<>();
        if (letter.payload() != null) {
            Matcher ids = CONTACT_ID.matcher(letter.payload());
            while (ids.find()) {
                SalesforceIds.toContactId18(ids.group()).ifPresent(contacts::add);
            }
        }
        Instant from = letter.catchUpFrom() != null ? letter.catchUpFrom() : letter.createdAt().minus(lookBack);
        if (!contacts.isEmpty()) {
            GuardedTransaction transaction = DeadLetterTransaction.readFrom(letter.payload())
                    .orElseGet(() -> GuardedTransaction.catchUp(from));
            Result result = gapRequeries.requeryNow(contacts, "replay:" + letter.id(), "REPLAY", transaction);
            return "re-read " + contacts.size() + " contact(s) from Salesforce; " + result.recorded()
                    + " change(s) recorded";
        }
        CatchUps.Report report = catchUps.catchUpFrom(from, "replay of dead letter " + letter.id());
        return "caught up from " + from + ": " + report.compared() + " contact(s) changed since, "
                + report.recorded() + " change(s) recorded";
    }
}
