package edu.cu.ecomm.optout.delivery;

import static edu.cu.ecomm.optout.delivery.DeliveryDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchFileBuilderTest {

    @TempDir
    Path staging;

    @AutoClose
    private final DeliveryDatabase db = new DeliveryDatabase();
    private final Instant t0 = Instant.parse("2026-11-26T16:00:00Z");

    @Test
    void aRunWhoseBatchWasTakenOverWhileItBuiltTheFileRecordsNothingOfIt() {
        db.ready(contact(1), true, t0, 1);
        AscendBatch slow = claimer("this-node").claim();
        db.clock.advance(Duration.ofMinutes(31)); // a slow Salesforce enrich: the lease ran out meanwhile
        AscendBatch takenOver = claimer("other-node").claim();

        assertThatThrownBy(() -> builder().build(slow)).isInstanceOf(BatchTakenOverException.class)
                .hasMessageEndingWith("this run stops before sending the file it built");

        assertThat(db.jdbc.queryForMap("select lease_owner, sha256, member_ids from ascend_batch"))
                .as("what the run that took the batch over will record of its own file")
                .containsEntry("lease_owner", takenOver.leaseOwner())
                .containsEntry("sha256", null).containsEntry("member_ids", null);
    }

    private BatchClaimer claimer(String node) {
        return new BatchClaimer(db.jdbc, db.transactions, db.clock, Duration.ofMinutes(30), () -> node);
    }

    private BatchFileBuilder builder() {
        return new BatchFileBuilder(new BatchCollapser(db.dataSource, db.transactions),
                new ContactFieldLookup(new FakeContacts(), "Email"), new AscendCsvWriter(), db.jdbc, staging);
    }
}
