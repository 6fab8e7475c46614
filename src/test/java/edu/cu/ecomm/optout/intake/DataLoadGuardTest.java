package edu.cu.ecomm.optout.intake;

import static edu.cu.ecomm.optout.optin.FlowsFixture.contactId;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import edu.cu.ecomm.optout.guard.HeldOptIns;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.ledger.KnownValues;
import edu.cu.ecomm.optout.ledger.LedgerWrites;
import edu.cu.ecomm.optout.ledger.NewChange;
import edu.cu.ecomm.optout.optin.BusinessUnit;
import edu.cu.ecomm.optout.optin.FlowsFixture;
import edu.cu.ecomm.optout.optin.OptInLookup;
import edu.cu.ecomm.optout.optin.ResubscribeRequest;
import edu.cu.ecomm.optout.optin.ShirtColour;
import edu.cu.ecomm.optout.optin.UnitStatus;
import edu.cu.ecomm.optout.optout.ContactPreferences;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The guard at intake over a real (H2) ledger: the tally per transaction, across the events that carry it, and per
 * catch-up, across the pages of contacts it reads.
 */
class DataLoadGuardTest {

    private static final String PERSON = "com/salesforce/api/rest/64.0";

    @AutoClose
    private final FlowsFixture f = new FlowsFixture();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final DataLoadGuard guard = new DataLoadGuard(f.jdbc, f.ledger, f.queue, f.requests, f.clock, meters, true, 20, 50,
            List.of("/api/bulkapi/", ";client=DataLoader"), Duration.ofDays(7));
    private int nextContact = 1;
    private int nextEvent = 1;

    @Test
    void aTransactionCrossingTheLimitInItsThirdEventHoldsTheEarlierOptInsNotYetDelivered() {
        List<ContactChange> first = record("tx-1", 8, PERSON);
        // change-dispatch has handed the first event's opt-ins on: READY, look-ups queued.
        first.forEach(c -> {
            f.queue.enqueue(c);
            f.ledger.markReady(c.id());
        });
        List<ContactChange> second = record("tx-1", 8, PERSON);
        assertThat(states(first)).containsOnly(ChangeState.READY);
        assertThat(states(second)).containsOnly(ChangeState.RECEIVED);

        List<ContactChange> third = record("tx-1", 8, PERSON);

        assertThat(states(third)).containsOnly(ChangeState.HELD);
        assertThat(states(second)).containsOnly(ChangeState.HELD);
        assertThat(states(first)).containsOnly(ChangeState.HELD);
        assertThat(f.queue.countPending()).as("their look-ups wait for a release").isZero();
        assertThat(meters.counter("optout.guard.changes.held").count()).isEqualTo(24);
        assertThat(f.jdbc.queryForObject("select opt_ins from guard_transaction where transaction_key = 'tx-1'",
                Integer.class)).isEqualTo(24);
    }

    @Test
    void requestsAnEarlierOptInsLookUpOpenedAreClosedWhenItsTransactionIsHeldUnlessTheirTicketWentOut() {
        List<ContactChange> first = record("tx-1", 15, PERSON);
        // The first two were looked up already: red in Boulder, and the second is urgent, its ticket sent.
        for (ContactChange optIn : first.subList(0, 2)) {
            f.ledger.markReady(optIn.id());
            f.requests.open(optIn.id(), new ContactPreferences(optIn.contactId(), "Someone", "someone@example.edu",
                    optIn == first.get(1), Map.of()), new UnitStatus(new BusinessUnit(FlowsFixture.BOULDER, "Boulder"),
                    "Unsubscribed", ShirtColour.RED, null));
        }
        long ticketed = f.requests.forContact(first.get(1).contactId()).get(0).id();
        f.requests.markTicketSent(ticketed, "HD-1");

        record("tx-1", 6, PERSON);

        assertThat(f.requests.forContact(first.get(0).contactId())).singleElement().satisfies(request -> {
            assertThat(request.isOpen()).isFalse();
            assertThat(request.closeReason()).isEqualTo("opt-in held by the data-load guard (transaction tx-1)");
        });
        assertThat(f.requests.find(ticketed).orElseThrow().isOpen()).as("its ticket exists").isTrue();
    }

    @Test
    void aReleasedOptInWhoseLookUpHadFinishedIsLookedUpAgain() {
        List<ContactChange> first = record("tx-1", 15, PERSON);
        String red = first.get(0).contactId();
        f.marketingCloud.subscriber(red, FlowsFixture.BOULDER, "Unsubscribed");
        first.forEach(this::optInFlow);
        lookUpDue();
        assertThat(f.requests.open()).extracting(ResubscribeRequest::contactId).containsExactly(red);

        record("tx-1", 6, PERSON);
        assertThat(f.requests.open()).as("closed by the hold").isEmpty();
        new HeldOptIns(f.jdbc, new LedgerWrites(f.jdbc, f.transaction), f.clock, false).releaseTransaction("tx-1");
        f.ledger.received(100).forEach(this::optInFlow);

        assertThat(f.queue.countPending()).as("all 21 released, the 15 looked up before too").isEqualTo(21);
        lookUpDue();
        assertThat(f.requests.open()).extracting(ResubscribeRequest::contactId).containsExactly(red);
    }

    @Test
    void anEarlierOptInAlreadyInABatchBeingDeliveredIsLeftToThatBatch() {
        List<ContactChange> first = record("tx-1", 5, PERSON);
        first.forEach(c -> f.ledger.markReady(c.id()));
        f.jdbc.update("insert into ascend_batch (created_at, high_water_id, file_name, state) values (now(), ?, 'b.csv',"
                + " 'PENDING')", first.get(4).id());

        record("tx-1", 16, PERSON);

        assertThat(states(first)).containsOnly(ChangeState.READY);
    }

    @Test
    void otherTransactionsAndOptOutsAreNotTouched() {
        List<ContactChange> other = record("tx-other", 20, PERSON);

        List<ContactChange> bulk = record("tx-bulk", 1, "com/salesforce/api/soap/64.0;client=DataLoaderBulkUI/");

        assertThat(states(other)).containsOnly(ChangeState.RECEIVED);
        assertThat(states(bulk)).containsOnly(ChangeState.HELD);
        assertThat(f.jdbc.queryForObject("select held_reason from guard_transaction where transaction_key = 'tx-bulk'",
                String.class)).startsWith("BULK_ORIGIN");
    }

    @Test
    void aReplayedEventIsCountedOnce() {
        ContactChangeEvent event = event("tx-1", 15, PERSON);
        guard.recordOptIns(GuardedTransaction.of(event), changes(event));

        assertThat(guard.recordOptIns(GuardedTransaction.of(event), changes(event))).isZero();
        List<ContactChange> next = record("tx-1", 5, PERSON);

        assertThat(states(next)).as("15 + 5 is not more than 20").containsOnly(ChangeState.RECEIVED);
    }

    @Test
    void aCatchUpFindingMoreOptInsThanItsLimitIsHeldWholeAcrossItsPages() {
        ContactReconciler reconciler = new ContactReconciler(new KnownValues(f.jdbc, f.clock), f.ledger, guard);
        GuardedTransaction catchUp = GuardedTransaction.catchUp(f.clock.instant().minus(Duration.ofHours(80)));

        List<ContactValue> firstPage = optedOutBeforeAndOptedInNow(30);
        reconciler.reconcile(firstPage, ChangeSource.CATCHUP, "CATCHUP", v -> "catchup:" + v.contactId(), catchUp);
        assertThat(optInStates(firstPage)).as("30 is not more than 50").containsOnly(ChangeState.RECEIVED);

        List<ContactValue> secondPage = optedOutBeforeAndOptedInNow(25);
        reconciler.reconcile(secondPage, ChangeSource.CATCHUP, "CATCHUP", v -> "catchup:" + v.contactId(), catchUp);

        assertThat(optInStates(firstPage)).containsOnly(ChangeState.HELD);
        assertThat(optInStates(secondPage)).containsOnly(ChangeState.HELD);
        assertThat(f.jdbc.queryForObject("select held_reason from guard_transaction where transaction_key = ?",
                String.class, catchUp.key())).isEqualTo("MASS_TRANSACTION: more than 50 opt-ins in one catch-up");
        assertThat(f.jdbc.queryForObject("select count(*) from contact_change where transaction_key = ?",
                Long.class, catchUp.key())).as("an admin releases or rejects them together").isEqualTo(55);
    }

    @Test
    void tidyingForgetsOldTransactionsThatWereNeverHeldAndKeepsHeldOnes() {
        record("tx-small", 1, PERSON);
        record("tx-mass", 21, PERSON);
        f.clock.advance(Duration.ofDays(8));

        assertThat(guard.forgetUnheldTransactions()).isEqualTo(1);
        assertThat(f.jdbc.queryForList("select transaction_key from guard_transaction", String.class))
                .containsExactly("tx-mass");
    }

    /** What the opt-in route does with a change change-dispatch hands it: ready, look-up queued. */
    private void optInFlow(ContactChange optIn) {
        if (f.ledger.markReady(optIn.id())) {
            f.queue.enqueue(optIn);
        }
    }

    /** What opt-in-lookups does with the due look-ups, every contact found in Salesforce. */
    private void lookUpDue() {
        List<OptInLookup> batch = f.queue.claimDue();
        Map<String, ContactPreferences> contacts = new HashMap<>();
        for (String contact : f.queue.contactIds(batch)) {
            contacts.put(contact, new ContactPreferences(contact, "Someone", "someone@example.edu", false, Map.of()));
        }
        f.outcomes.record(batch, contacts, f.marketingCloudStatuses.lookUp(contacts.keySet()));
    }

    private List<ContactChange> record(String transaction, int optIns, String origin) {
        ContactChangeEvent event = event(transaction, optIns, origin);
        guard.recordOptIns(GuardedTransaction.of(event), changes(event));
        return event.recordIds().stream().map(id -> f.ledger.forContact(id).get(0)).toList();
    }

    private ContactChangeEvent event(String transaction, int contacts, String origin) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < contacts; i++) {
            ids.add(contactId(nextContact++));
        }
        int n = nextEvent++;
        return new ContactChangeEvent("event-" + n, "replay-" + n, "UPDATE", ids, Set.of("HasOptedOutOfEmail"), false,
                origin, transaction, n, f.clock.instant(), 11_400_000_000L, "005000000000001AAA");
    }

    private static List<NewChange> changes(ContactChangeEvent event) {
        return event.recordIds().stream().map(id -> new NewChange(id, false, "UPDATE", event.commitTimestamp(),
                event.commitNumber(), event.transactionKey(), event.sequenceNumber(), event.eventId(), event.replayId(),
                event.changeOrigin(), event.commitUser(), ChangeSource.CDC)).toList();
    }

    /** Contacts the ledger knows opted out (a change event a day ago), read from Salesforce opted in now. */
    private List<ContactValue> optedOutBeforeAndOptedInNow(int contacts) {
        List<ContactValue> read = new ArrayList<>();
        for (int i = 0; i < contacts; i++) {
            String contact = contactId(nextContact++);
            f.ledger.record(new NewChange(contact, true, "UPDATE", f.clock.instant().minus(Duration.ofDays(1)), 1L,
                    "tx-opt-out", 1, "event-" + nextEvent++, null, PERSON, null, ChangeSource.CDC)).orElseThrow();
            read.add(new ContactValue(contact, false, f.clock.instant()));
        }
        return read;
    }

    private List<ChangeState> optInStates(List<ContactValue> read) {
        return read.stream().map(v -> f.ledger.forContact(v.contactId()).stream()
                .filter(c -> !c.optedOut()).findFirst().orElseThrow().state()).toList();
    }

    private List<ChangeState> states(List<ContactChange> changes) {
        return changes.stream().map(c -> f.ledger.find(c.id()).orElseThrow().state()).toList();
    }
}
