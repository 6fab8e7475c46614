package edu.cu.ecomm.optout.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.ledger.Direction;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import edu.cu.ecomm.optout.support.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole service with {@code optout.guard.restore-on-reject} off, over a restore queued while it was on (a reject
 * made before an admin switched write-backs off and restarted): nothing is written to the Salesforce emulator.
 */
class RestoreSwitchedOffIntegrationTest extends ServiceIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final Path OUTBOX = Path.of("target", "restore-switched-off-it", UUID.randomUUID().toString());

    @DynamicPropertySource
    static void switchedOff(DynamicPropertyRegistry registry) {
        registry.add("optout.guard.restore-on-reject", () -> "false");
        registry.add("optout.guard.restore.poll-interval", () -> "200");
        registry.add("optout.resubscribe.endpoint", () -> "file:" + OUTBOX.resolve("resubscribe"));
        registry.add("optout.tickets.endpoint", () -> "file:" + OUTBOX.resolve("tickets"));
        registry.add("optout.ascend.endpoint", () -> "file:" + OUTBOX.resolve("ascend"));
        registry.add("optout.ascend.staging-dir", () -> OUTBOX.resolve("ascend-staging").toString());
    }

    @Autowired
    SalesforceEmulator salesforce;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ChangeLedger ledger;
    @Autowired
    HeldOptIns held;

    @Test
    void aRestoreQueuedBeforeWriteBacksWereSwitchedOffIsNotWrittenToSalesforce() {
        SalesforceRestClient specialist = specialistOnceSubscribed();
        String contact = salesforce.http().seedContacts(1, 7).get(0);
        if (Boolean.TRUE.equals(salesforce.http().getContact(contact).orElseThrow().get("HasOptedOutOfEmail"))) {
            // Seeded opted out now and then: start opted in, so that the opt-out below is a change.
            salesforce.http().updateContact(contact, Map.of("HasOptedOutOfEmail", false));
            await().atMost(PATIENCE).until(() -> latest(contact).filter(c -> c.state() != ChangeState.RECEIVED)
                    .isPresent());
        }
        specialist.updateAll(List.of(contact), Map.of("HasOptedOutOfEmail", true), null);
        await().atMost(PATIENCE).until(() -> latest(contact).filter(c -> c.direction() == Direction.OPT_OUT
                && c.state() != ChangeState.RECEIVED).isPresent());
        // A Data Loader opt-in is held whatever its size; the admin rejects it.
        specialist.updateAll(List.of(contact), Map.of("HasOptedOutOfEmail", false), "DataLoaderBulkUI");
        await().atMost(PATIENCE).until(() -> latest(contact).filter(c -> c.direction() == Direction.OPT_IN
                && c.state() == ChangeState.HELD).isPresent());
        long rejected = latest(contact).orElseThrow().id();
        held.rejectChange(rejected);
        // As the reject left it while write-backs were still on: due now.
        jdbc.update("update guard_resolution set restore_state = 'PENDING', restore_next_at = current_timestamp"
                + " where change_id = ?", rejected);

        await().atMost(PATIENCE).until(() -> !"PENDING".equals(restoreState(rejected)));

        assertThat(restoreState(rejected)).isEqualTo("SWITCHED_OFF");
        assertThat(jdbc.queryForObject("select restore_error from guard_resolution where change_id = ?",
                String.class, rejected)).contains("optout.guard.restore-on-reject");
        assertThat(salesforce.http().getContact(contact).orElseThrow().get("HasOptedOutOfEmail"))
                .as("no PATCH reached Salesforce").isEqualTo(false);
        assertThat(latest(contact).orElseThrow().id()).as("no opt-out of ours came back").isEqualTo(rejected);
    }

    private Optional<ContactChange> latest(String contact) {
        List<ContactChange> changes = ledger.forContact(contact);
        return changes.isEmpty() ? Optional.empty() : Optional.of(changes.get(changes.size() - 1));
    }

    private String restoreState(long changeId) {
        return jdbc.queryForObject("select restore_state from guard_resolution where change_id = ?", String.class,
                changeId);
    }
}
