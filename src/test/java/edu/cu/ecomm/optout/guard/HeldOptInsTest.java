package edu.cu.ecomm.optout.guard;

import static edu.cu.ecomm.optout.optin.FlowsFixture.contactId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import edu.cu.ecomm.optout.guard.HeldOptIns.Outcome;
import edu.cu.ecomm.optout.guard.OptOutRestores.Restore;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.ledger.DeadLetterService;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import edu.cu.ecomm.optout.ledger.LedgerWrites;
import edu.cu.ecomm.optout.ledger.NewChange;
import edu.cu.ecomm.optout.optin.FlowsFixture;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Release, reject and restore over a real (H2) ledger, without Salesforce. */
class HeldOptInsTest {

    @AutoClose
    private final FlowsFixture f = new FlowsFixture();
    private final HeldOptIns review = new HeldOptIns(f.jdbc, new LedgerWrites(f.jdbc, f.transaction), f.clock, true);
    private final OptOutRestores restores = new OptOutRestores(f.jdbc, f.clock, f.deadLetters, f.transaction, 3,
            Duration.ofMinutes(1), true);
    /** The same queue after an admin switched optout.guard.restore-on-reject off (and restarted). */
    private final OptOutRestores switchedOff = new OptOutRestores(f.jdbc, f.clock, f.deadLetters, f.transaction, 3,
            Duration.ofMinutes(1), false);
    private int events;

    @Test
    void releaseMakesTheOptInReceivedAgainAsIfJustReceived() {
        ContactChange held = held(contactId(1), "tx-1");
        f.clock.advance(Duration.ofDays(3));

        Outcome outcome = review.releaseChange(held.id());

        assertThat(outcome.released()).isEqualTo(1);
        assertThat(f.ledger.received(10)).extracting(ContactChange::id).containsExactly(held.id());
        assertThat(f.jdbc.queryForObject("select recorded_at = ? from contact_change where id = ?", Boolean.class,
                edu.cu.ecomm.optout.ledger.SqlTime.toSql(f.clock.instant()), held.id())).isTrue();
    }

    @Test
    void anOptInWhoseContactHasALaterChangeIsSupersededNotReleased() {
        ContactChange older = held(contactId(1), "tx-1");
        ContactChange other = held(contactId(2), "tx-1");
        f.clock.advance(Duration.ofMinutes(5));
        ContactChange laterOptOut = f.change(contactId(1), true);

        Outcome outcome = review.releaseTransaction("tx-1");

        assertThat(outcome.released()).isEqualTo(1);
        assertThat(outcome.superseded()).isEqualTo(1);
        assertThat(outcome.message()).isEqualTo("Transaction tx-1: 1 opt-in(s) released to the opt-in flow; 1"
                + " superseded by the contact's later change, marked SUPERSEDED and never delivered (CU Ascend keeps"
                + " the later value): change " + older.id() + " (contact " + contactId(1) + ", later change "
                + laterOptOut.id() + ")");
        assertThat(state(older)).isEqualTo(ChangeState.SUPERSEDED);
        assertThat(state(other)).isEqualTo(ChangeState.RECEIVED);
    }

    @Test
    void rejectQueuesARestoreOnlyForContactsWhoseRejectedOptInIsStillTheLatest() {
        ContactChange stillLatest = held(contactId(1), "tx-1");
        ContactChange overtaken = held(contactId(2), "tx-1");
        f.clock.advance(Duration.ofMinutes(5));
        f.change(contactId(2), true);

        Outcome outcome = review.rejectTransaction("tx-1");

        assertThat(outcome.rejected()).isEqualTo(2);
        assertThat(outcome.restoresQueued()).isEqualTo(1);
        assertThat(state(stillLatest)).isEqualTo(ChangeState.REJECTED);
        assertThat(state(overtaken)).isEqualTo(ChangeState.REJECTED);
        assertThat(restores.claimDue()).extracting(Restore::contactId).containsExactly(contactId(1));
    }

    @Test
    void rejectWithoutRestoreLeavesSalesforceAlone() {
        HeldOptIns noRestore = new HeldOptIns(f.jdbc, new LedgerWrites(f.jdbc, f.transaction), f.clock, false);
        ContactChange held = held(contactId(1), "tx-1");

        Outcome outcome = noRestore.rejectChange(held.id());

        assertThat(outcome.message()).endsWith("Salesforce keeps the loaded value (Email Opt Out false):"
                + " optout.guard.restore-on-reject is off");
        assertThat(restores.claimDue()).isEmpty();
    }

    @Test
    void aRestoreSalesforceRefusesIsRetriedWithBackOffThenBecomesADeadLetterThatCanBeReplayed() throws Exception {
        ContactChange held = held(contactId(1), "tx-1");
        review.rejectChange(held.id());
        String refused = "[{\"id\":\"" + contactId(1) + "\",\"success\":false,\"errors\":[{\"statusCode\":"
                + "\"UNABLE_TO_LOCK_ROW\"}]}]";

        for (int attempt = 1; attempt <= 3; attempt++) {
            List<Restore> due = restores.claimDue();
            assertThat(due).as("attempt %d", attempt).extracting(Restore::attempt).containsExactly(attempt);
            assertThat(restores.claimDue()).as("claimed: not due again while it runs").isEmpty();
            if (attempt == 2) {
                restores.failed(due, new IllegalStateException("Salesforce unavailable"));
            } else {
                restores.completed(due, refused);
            }
            assertThat(restores.claimDue()).as("waits for its back-off").isEmpty();
            f.clock.advance(Duration.ofMinutes(10));
        }

        assertThat(restores.count("FAILED")).isEqualTo(1);
        assertThat(f.deadLetters.open()).singleElement().satisfies(letter -> {
            assertThat(letter.routeId()).isEqualTo("data-load-guard-restore");
            assertThat(letter.contactId()).isEqualTo(contactId(1));
            assertThat(letter.reason()).contains("UNABLE_TO_LOCK_ROW").contains("after 3 attempt(s)");
        });
        DeadLetterService service = new DeadLetterService(f.deadLetters, List.of(restores));
        assertThat(service.replay(f.deadLetters.open().get(0).id()).resolved()).isTrue();
        List<Restore> again = restores.claimDue();
        assertThat(again).extracting(Restore::attempt).containsExactly(1);
        restores.completed(again, "[{\"id\":\"" + contactId(1) + "\",\"success\":true,\"errors\":[]}]");
        assertThat(restores.count("DONE")).isEqualTo(1);
    }

    @Test
    void aRestoreQueuedBeforeWriteBacksWereSwitchedOffIsNotClaimedAndIsQueuedAgainOnlyOnceTheyAreOn() {
        ContactChange held = held(contactId(1), "tx-1");
        review.rejectChange(held.id());
        assertThat(restores.count("PENDING")).isEqualTo(1);

        assertThat(switchedOff.claimDue()).isEmpty();

        assertThat(restores.count("PENDING")).isZero();
        assertThat(restores.count("SWITCHED_OFF")).isEqualTo(1);
        assertThat(f.jdbc.queryForObject("select restore_error from guard_resolution where change_id = ?",
                String.class, held.id())).contains("optout.guard.restore-on-reject was off");
        assertThat(switchedOff.requeueSwitchedOff()).contains("is off").contains("1 restore(s) stay SWITCHED_OFF");
        assertThat(restores.count("SWITCHED_OFF")).as("still off: left as it is").isEqualTo(1);

        assertThat(restores.requeueSwitchedOff()).startsWith("1 restore(s) of Email Opt Out queued again");
        assertThat(restores.claimDue()).extracting(Restore::contactId, Restore::attempt)
                .containsExactly(tuple(contactId(1), 1));
    }

    @Test
    void aRestoreLetterIsNotReplayedWhileWriteBacksAreSwitchedOff() {
        ContactChange held = held(contactId(1), "tx-1");
        review.rejectChange(held.id());
        for (int attempt = 1; attempt <= 3; attempt++) {
            restores.failed(restores.claimDue(), new IllegalStateException("Salesforce unavailable"));
            f.clock.advance(Duration.ofMinutes(10));
        }
        DeadLetter letter = f.deadLetters.open().get(0);

        DeadLetterService.Outcome outcome = new DeadLetterService(f.deadLetters, List.of(switchedOff))
                .replay(letter.id());

        assertThat(outcome.resolved()).isFalse();
        assertThat(outcome.message()).contains("optout.guard.restore-on-reject is off");
        assertThat(f.deadLetters.find(letter.id()).orElseThrow().state()).isEqualTo("OPEN");
        assertThat(restores.count("FAILED")).as("not queued again").isEqualTo(1);
    }

    @Test
    void aRestoreLetterWhoseReplayQueuedTheRestoreButWasNotMarkedIsReplayedAgainWithoutFailing() {
        ContactChange held = held(contactId(1), "tx-1");
        review.rejectChange(held.id());
        for (int attempt = 1; attempt <= 3; attempt++) {
            restores.failed(restores.claimDue(), new IllegalStateException("Salesforce unavailable"));
            f.clock.advance(Duration.ofMinutes(10));
        }
        DeadLetter letter = f.deadLetters.open().get(0);
        restores.replay(letter);

        DeadLetterService.Outcome again = new DeadLetterService(f.deadLetters, List.of(restores)).replay(letter.id());

        assertThat(again.resolved()).as(again.message()).isTrue();
        assertThat(again.message()).contains("already queued again (now PENDING)");
        assertThat(restores.claimDue()).as("queued once").hasSize(1);
    }

    @Test
    void heldListsAndCountsPerTransaction() {
        held(contactId(1), "tx-1");
        held(contactId(2), "tx-1");
        held(contactId(3), "tx-2");

        assertThat(review.heldChanges()).isEqualTo(3);
        assertThat(review.heldTransactions()).isEqualTo(2);
        assertThat(review.transactions()).extracting(HeldOptIns.HeldTransaction::transactionKey,
                HeldOptIns.HeldTransaction::held).containsExactly(
                tuple("tx-1", 2L), tuple("tx-2", 1L));
    }

    @Test
    void aTransactionOfMoreThanOneChunkIsReleasedWholeOneChunkPerHoldOfTheWriteLock() {
        CountingWrites writes = new CountingWrites();
        HeldOptIns chunked = new HeldOptIns(f.jdbc, writes, f.clock, true, 2);
        List<ContactChange> tx1 = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            tx1.add(held(contactId(i), "tx-1"));
        }
        ContactChange otherTransaction = held(contactId(9), "tx-2");

        Outcome outcome = chunked.releaseTransaction("tx-1");

        assertThat(outcome.released()).isEqualTo(5);
        assertThat(outcome.message()).isEqualTo("Transaction tx-1: 5 opt-in(s) released to the opt-in flow");
        assertThat(tx1).extracting(this::state).containsOnly(ChangeState.RECEIVED);
        assertThat(state(otherTransaction)).isEqualTo(ChangeState.HELD);
        assertThat(writes.transactions).as("5 changes, 2 per hold of the lock").isEqualTo(3);
    }

    @Test
    void aTransactionOfMoreThanOneChunkIsRejectedWholeOneChunkPerHoldOfTheWriteLock() {
        CountingWrites writes = new CountingWrites();
        HeldOptIns chunked = new HeldOptIns(f.jdbc, writes, f.clock, true, 2);
        List<ContactChange> tx1 = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            tx1.add(held(contactId(i), "tx-1"));
        }

        Outcome outcome = chunked.rejectTransaction("tx-1");

        assertThat(outcome.rejected()).isEqualTo(4);
        assertThat(outcome.restoresQueued()).isEqualTo(4);
        assertThat(outcome.message()).startsWith("Transaction tx-1: 4 opt-in(s) rejected, never delivered to CU"
                + " Ascend; 4 contact(s) will get Email Opt Out = true written back in Salesforce");
        assertThat(tx1).extracting(this::state).containsOnly(ChangeState.REJECTED);
        assertThat(restores.count("PENDING")).isEqualTo(4);
        assertThat(writes.transactions).as("4 changes, 2 per hold of the lock, then an empty look").isEqualTo(3);
    }

    @Test
    void anOptInHeldWhileItsTransactionIsBeingReleasedWaitsForAnAdmin() {
        held(contactId(1), "tx-1");
        held(contactId(2), "tx-1");
        held(contactId(3), "tx-1");
        List<ContactChange> heldMeanwhile = new ArrayList<>();
        CountingWrites writes = new CountingWrites() {
            @Override
            public <T> T inTransaction(Supplier<T> work) {
                T result = super.inTransaction(work);
                if (heldMeanwhile.isEmpty()) {
                    // Intake records another opt-in of the transaction between two chunks.
                    heldMeanwhile.add(held(contactId(4), "tx-1"));
                }
                return result;
            }
        };

        Outcome outcome = new HeldOptIns(f.jdbc, writes, f.clock, true, 2).releaseTransaction("tx-1");

        assertThat(outcome.released()).isEqualTo(3);
        assertThat(state(heldMeanwhile.get(0))).isEqualTo(ChangeState.HELD);
    }

    @Test
    void aListingReadsOnlyTheFirstHeldOptInsByTransactionThenContact() {
        held(contactId(3), "tx-2");
        held(contactId(2), "tx-1");
        held(contactId(1), "tx-1");

        assertThat(review.held(2)).extracting(HeldOptIns.HeldOptIn::contactId)
                .containsExactly(contactId(1), contactId(2));
    }

    /** The ledger's write lock, counting how many times it was taken. */
    private class CountingWrites extends LedgerWrites {
        int transactions;

        CountingWrites() {
            super(f.jdbc, f.transaction);
        }

        @Override
        public <T> T inTransaction(Supplier<T> work) {
            transactions++;
            return super.inTransaction(work);
        }
    }

    private ContactChange held(String contactId, String transaction) {
        long id = f.ledger.record(new NewChange(contactId, false, "UPDATE", f.clock.instant(), 1L, transaction, 1,
                "guard-event-" + (++events), "replay", "com/salesforce/api/bulkapi/64.0", "005000000000001AAA",
                ChangeSource.CDC)).orElseThrow();
        f.jdbc.update("update contact_change set state = 'HELD' where id = ?", id);
        return f.ledger.find(id).orElseThrow();
    }

    private ChangeState state(ContactChange change) {
        return f.ledger.find(change.id()).orElseThrow().state();
    }
}
