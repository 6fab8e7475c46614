package edu.cu.ecomm.optout.intake;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.KnownValues;
import edu.cu.ecomm.optout.ledger.KnownValues.Known;
import edu.cu.ecomm.optout.ledger.NewChange;
import org.springframework.stereotype.Component;

/**
 * Compares contacts as Salesforce has them now with the values the service knows, and records a change for
 * each that differs. The rules, so that a re-read never records a change twice nor a stale value:
 * <ul>
 * <li>same value as known: nothing;</li>
 * <li>the ledger's latest change for the contact is at least as new as the contact's SystemModstamp: the
 *     ledger is newer than what was read (a CDC event overtook the read), nothing;</li>
 * <li>never seen and not opted out: remembered as known, nothing recorded (as a CREATE of such a contact);</li>
 * <li>otherwise a change at the contact's SystemModstamp, with an event id derived from the caller's so that
 *     running the same re-read again records nothing.</li>
 * </ul>
 * Opt-ins found this way pass the data-load guard like those of change events: a data load whose events were
 * lost (too large for change events, or sent while intake was away longer than Salesforce keeps them) is held
 * all the same.
 * Callers run it inside {@link edu.cu.ecomm.optout.ledger.LedgerWrites#inTransaction}.
 */
@Component("contactReconciler")
public class ContactReconciler {

    /** Origin written on changes this service found itself rather than received. */
    static final String ORIGIN = "optout-sync";

    /** What one comparison did. */
    public record Result(int compared, int recorded, int remembered) {

        public Result plus(Result other) {
            return new Result(compared + other.compared, recorded + other.recorded, remembered + other.remembered);
        }

        public static Result none() {
            return new Result(0, 0, 0);
        }
    }

    private final KnownValues known;
    private final ChangeLedger ledger;
    private final DataLoadGuard guard;

    public ContactReconciler(KnownValues known, ChangeLedger ledger, DataLoadGuard guard) {
        this.known = known;
        this.ledger = ledger;
        this.guard = guard;
    }

    /**
     * @param observed   values just read from Salesforce
     * @param source     GAP_REQUERY or CATCHUP
     * @param changeType written on recorded changes, e.g. GAP_UPDATE or CATCHUP
     * @param eventId    the deterministic event id of the change for one contact (at most 64 characters)
     * @param found      what the changes are counted under by the data-load guard, and their transaction key
     */
    public Result reconcile(List<ContactValue> observed, ChangeSource source, String changeType,
                            Function<ContactValue, String> eventId, GuardedTransaction found) {
        Map<String, Known> knownValues = known.of(observed.stream().map(ContactValue::contactId).toList());
        Map<String, Boolean> firstSeen = new HashMap<>();
        Map<String, java.time.Instant> since = new HashMap<>();
        int recorded = 0;
        List<NewChange> optIns = new ArrayList<>();
        for (ContactValue value : observed) {
            Known last = knownValues.get(value.contactId());
            if (last != null && last.optedOut() == value.optedOut()) {
                continue;
            }
            if (last != null && last.fromLedger() && last.commitTimestamp() != null
                    && !last.commitTimestamp().isBefore(value.systemModstamp())) {
                continue;
            }
            if (last == null && !value.optedOut()) {
                firstSeen.put(value.contactId(), false);
                since.put(value.contactId(), value.systemModstamp());
                continue;
            }
            NewChange change = new NewChange(value.contactId(), value.optedOut(), changeType,
                    value.systemModstamp(), null, found.key(), null, eventId.apply(value), null, ORIGIN, null, source);
            if (!value.optedOut()) {
                optIns.add(change);
            } else if (ledger.record(change).isPresent()) {
                recorded++;
            }
        }
        recorded += guard.recordOptIns(found, optIns);
        known.remember(firstSeen, since);
        return new Result(observed.size(), recorded, firstSeen.size());
    }

    /** Records the value as a change whatever is known (initial snapshot sent to CU Ascend). */
    public boolean recordAlways(ContactValue value, ChangeSource source, String changeType, String eventId) {
        return ledger.record(new NewChange(value.contactId(), value.optedOut(), changeType, value.systemModstamp(),
                null, null, null, eventId, null, ORIGIN, null, source)).isPresent();
    }
}
