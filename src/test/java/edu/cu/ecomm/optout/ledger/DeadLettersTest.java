package edu.cu.ecomm.optout.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;

import edu.cu.ecomm.optout.intake.SalesforceIds;
import edu.cu.ecomm.optout.support.MigratedDatabase;
import edu.cu.ecomm.optout.support.TestDatabases;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** Dead letters on the service's schema (H2, or PostgreSQL when the tests run there). */
class DeadLettersTest {

    @AutoClose
    private final MigratedDatabase database = TestDatabases.migrated();
    private final DeadLetters deadLetters = new DeadLetters(new JdbcTemplate(database), Clock.systemUTC());

    @Test
    void aRecordIdTooLongForItsColumnIsCutAndTheReasonKeepsItWhole() {
        String recordId = "003A0000006Vm9rIAC-and-then-a-lot-more-than-a-salesforce-id";

        deadLetters.record("contact-changes", SalesforceIds.whyNotContactId(recordId), "{event}", "event-1", "AAE=",
                recordId);

        assertThat(deadLetters.open()).singleElement().satisfies(letter -> {
            assertThat(letter.contactId()).isEqualTo(recordId.substring(0, 32));
            assertThat(letter.reason()).contains(recordId);
        });
    }
}
