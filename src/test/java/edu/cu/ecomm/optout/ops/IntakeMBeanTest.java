package edu.cu.ecomm.optout.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import edu.cu.ecomm.optout.support.MigratedDatabase;
import edu.cu.ecomm.optout.support.MutableClock;
import edu.cu.ecomm.optout.support.TestDatabases;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** What the Intake MBean shows of the catch-ups and gap re-reads waiting for Salesforce. */
class IntakeMBeanTest {

    @AutoClose
    private final MigratedDatabase database = TestDatabases.migrated();
    private final JdbcTemplate jdbc = new JdbcTemplate(database);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final RefusedReReads salesforce = new RefusedReReads(jdbc, clock);
    // The subscription, checkpoint and ledger are not what this test reads.
    private final IntakeMBean intake = new IntakeMBean(null, null, null, null, null, salesforce.catchUps,
            salesforce.gapRequeries);

    @Test
    void nothingWaitingShowsNoFailure() {
        assertThat(intake.getPendingCatchUps()).isZero();
        assertThat(intake.getCatchUpsFailingSince()).isEmpty();
        assertThat(intake.getCatchUpLastError()).isEmpty();
        assertThat(intake.getPendingGapReReads()).isZero();
        assertThat(intake.getGapReReadsFailingSince()).isEmpty();
        assertThat(intake.getGapReReadLastError()).isEmpty();
    }

    @Test
    void failingCatchUpsAndGapReReadsShowSinceWhenAndTheirLastError() {
        Instant catchUpFailed = clock.instant();
        salesforce.catchUpRefused();
        clock.advance(Duration.ofMinutes(3));
        Instant gapReReadFailed = clock.instant();
        salesforce.gapReReadRefused();

        assertThat(intake.getPendingCatchUps()).isEqualTo(1);
        assertThat(intake.getCatchUpsFailingSince()).isEqualTo(catchUpFailed.toString());
        assertThat(intake.getCatchUpLastError()).contains(RefusedReReads.REFUSAL);
        assertThat(intake.getPendingGapReReads()).isEqualTo(1);
        assertThat(intake.getGapReReadsFailingSince()).isEqualTo(gapReReadFailed.toString());
        assertThat(intake.getGapReReadLastError()).contains(RefusedReReads.REFUSAL);
    }
}
