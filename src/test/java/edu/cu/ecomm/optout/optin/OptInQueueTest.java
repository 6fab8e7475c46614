package edu.cu.ecomm.optout.optin;

import static edu.cu.ecomm.optout.optin.FlowsFixture.contactId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import edu.cu.ecomm.optout.marketingcloud.MarketingCloudException;
import edu.cu.ecomm.optout.ops.LedgerFigures;

class OptInQueueTest {

    @AutoClose
    private final FlowsFixture f = new FlowsFixture(3);

    @Test
    void aBatchSizeAboveFiveHundredOrBelowOneIsRefusedAtStartUp() {
        // The batch is one SOQL "Id IN (...)" sent as a GET: past about 550 ids Salesforce answers 414 to every batch.
        for (int refused : new int[] {0, 501, 2000}) {
            assertThatIllegalArgumentException().isThrownBy(() -> new OptInQueue(f.jdbc, f.clock, refused,
                            Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofHours(1)))
                    .withMessageContaining("optout.optin.batch-size").withMessageContaining("1 to 500")
                    .withMessageContaining(Integer.toString(refused));
        }
        for (int accepted : new int[] {1, 500}) {
            assertThatNoException().isThrownBy(() -> new OptInQueue(f.jdbc, f.clock, accepted,
                    Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofHours(1)));
        }
    }

    @Test
    void queuingTheSameOptInTwiceQueuesItOnce() {
        ContactChange change = f.optIn(contactId(1));

        f.queue.enqueue(change);
        f.queue.enqueue(change);

        assertThat(f.queue.countPending()).isEqualTo(1);
    }

    @Test
    void aFinishedLookUpWithdrawnByAHoldIsQueuedAgainOnReleaseAndStillCountsAsCompleted() {
        ContactChange change = f.optIn(contactId(1));
        f.queue.enqueue(change);
        f.queue.claimDue();
        assertThat(f.queue.complete(change.id())).isTrue();
        LedgerFigures figures = new LedgerFigures(f.jdbc, f.clock, new ReplayCheckpoints(f.jdbc, f.clock), "topic");

        assertThat(f.queue.withdraw(List.of(change.id()))).isEqualTo(1);
        assertThat(figures.lookUpsDone()).as("the counter optout.lookups never goes down").isEqualTo(1);
        f.queue.enqueue(change); // an admin released the opt-in

        assertThat(f.queue.claimDue()).extracting(OptInLookup::changeId).containsExactly(change.id());
        assertThat(f.queue.complete(change.id())).isTrue();
        assertThat(figures.lookUpsDone()).isEqualTo(1);
    }

    @Test
    void claimsAtMostABatchOldestFirstAndNotTwiceWhileLeased() {
        List<ContactChange> changes = IntStream.rangeClosed(1, 5).mapToObj(i -> f.optIn(contactId(i))).toList();
        changes.forEach(f.queue::enqueue);

        List<OptInLookup> first = f.queue.claimDue();
        List<OptInLookup> second = f.queue.claimDue();
        List<OptInLookup> third = f.queue.claimDue();

        assertThat(first).extracting(OptInLookup::contactId).containsExactly(contactId(1), contactId(2), contactId(3));
        assertThat(first).extracting(OptInLookup::attempts).containsOnly(1);
        assertThat(second).extracting(OptInLookup::contactId).containsExactly(contactId(4), contactId(5));
        assertThat(third).isEmpty();
    }

    @Test
    void aBatchWhoseWorkerDiedIsClaimedAgainWhenTheLeaseRunsOut() {
        f.queue.enqueue(f.optIn(contactId(1)));
        f.queue.claimDue();

        f.clock.advance(Duration.ofMinutes(5));

        assertThat(f.queue.claimDue()).extracting(OptInLookup::attempts).containsExactly(2);
    }

    @Test
    void aPostponedBatchWaitsWithBackOffAndStaysPending() {
        f.queue.enqueue(f.optIn(contactId(1)));
        List<OptInLookup> batch = f.queue.claimDue();

        f.queue.postpone(batch, new MarketingCloudException("down"));
        f.clock.advance(Duration.ofSeconds(59));
        assertThat(f.queue.claimDue()).isEmpty();
        f.clock.advance(Duration.ofSeconds(1));
        List<OptInLookup> retried = f.queue.claimDue();
        assertThat(retried).hasSize(1);

        f.queue.postpone(retried, new MarketingCloudException("still down"));
        f.clock.advance(Duration.ofMinutes(1));
        assertThat(f.queue.claimDue()).isEmpty();
        f.clock.advance(Duration.ofMinutes(1));
        assertThat(f.queue.claimDue()).hasSize(1);
        assertThat(f.queue.countPending()).isEqualTo(1);
        assertThat(f.jdbc.queryForObject("select last_error from optin_lookup", String.class))
                .isEqualTo("MarketingCloudException: still down");
    }

    @Test
    void backOffDoublesUpToTheMaximum() {
        assertThat(f.queue.backOff(1)).isEqualTo(Duration.ofMinutes(1));
        assertThat(f.queue.backOff(2)).isEqualTo(Duration.ofMinutes(2));
        assertThat(f.queue.backOff(4)).isEqualTo(Duration.ofMinutes(8));
        assertThat(f.queue.backOff(30)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aCompletedLookUpIsNeitherPendingNorClaimed() {
        ContactChange change = f.optIn(contactId(1));
        f.queue.enqueue(change);

        f.queue.complete(change.id());

        assertThat(f.queue.countPending()).isZero();
        assertThat(f.queue.claimDue()).isEmpty();
    }
}
