package edu.cu.ecomm.optout.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import edu.cu.ecomm.optout.support.ServiceIntegrationTest;

/**
 * The whole service against the emulated org: Email Opt Out changed through Salesforce's REST API travels
 * through intake and the opt-out/opt-in flows into the ledger, and "deliver now" writes one file whose
 * contacts carry the Contact fields read back by SOQL through camel-salesforce.
 */
class AscendDeliveryServiceIntegrationTest extends ServiceIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Path WORK = Path.of("target", "ascend-service-it", UUID.randomUUID().toString());

    @DynamicPropertySource
    static void ascend(DynamicPropertyRegistry registry) {
        registry.add("optout.ascend.endpoint", () -> "file:" + WORK.resolve("outbox"));
        registry.add("optout.ascend.staging-dir", () -> WORK.resolve("staging").toString());
        registry.add("optout.ascend.fields", () -> "Email,Ascend_Id__c");
    }

    @Autowired
    SalesforceEmulator salesforce;
    @Autowired
    ChangeLedger ledger;
    @Autowired
    ProducerTemplate producer;

    private SalesforceRestClient specialist;

    @BeforeEach
    void subscribed() {
        specialist = specialistOnceSubscribed();
    }

    @Test
    void theDaysChangesReachTheFileWithTheContactFieldsAscendMatchesOn() throws Exception {
        String flipFlop = specialist.create(Map.of("FirstName", "Flip", "LastName", "Flop",
                "Email", "=flip@example.edu", "Ascend_Id__c", "A-100", "HasOptedOutOfEmail", false));
        String optedOut = specialist.create(Map.of("FirstName", "Out", "LastName", "Right",
                "Email", "out@example.edu", "Ascend_Id__c", "A-200", "HasOptedOutOfEmail", false));
        specialist.setOptOut(flipFlop, true);
        specialist.setOptOut(optedOut, true);
        specialist.setOptOut(flipFlop, false);
        specialist.setOptOut(flipFlop, true);
        await().atMost(PATIENCE).until(() -> ready(flipFlop) == 3 && ready(optedOut) == 1);

        producer.sendBody("direct:ascend-deliver-now", null);

        List<String> lines = Files.readAllLines(onlyCsv(), StandardCharsets.UTF_8);
        assertThat(lines.get(0)).isEqualTo("ContactId,Email,Ascend_Id__c,EmailOptOut,ChangedAt,Direction,Source");
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(flipFlop + ",'=flip@example.edu,A-100,TRUE,"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(optedOut + ",out@example.edu,A-200,TRUE,"));
        assertThat(ledger.forContact(flipFlop)).allSatisfy(c -> assertThat(c.state()).isEqualTo(ChangeState.DELIVERED));
    }

    private long ready(String contactId) {
        return ledger.forContact(contactId).stream().filter(c -> c.state() == ChangeState.READY).count();
    }

    private Path onlyCsv() throws Exception {
        try (Stream<Path> files = Files.list(WORK.resolve("outbox"))) {
            List<Path> csvs = files.filter(f -> f.toString().endsWith(".csv")).toList();
            assertThat(csvs).hasSize(1);
            return csvs.get(0);
        }
    }
}
