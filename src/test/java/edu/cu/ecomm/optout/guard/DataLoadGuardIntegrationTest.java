package edu.cu.ecomm.optout.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import edu.cu.ecomm.optout.delivery.CsvCells;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.intake.HandMadeChangeEvents;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.ledger.DeadLetterService;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import edu.cu.ecomm.optout.ledger.Direction;
import edu.cu.ecomm.optout.optin.ResubscribeAdmin;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import edu.cu.ecomm.optout.support.ServiceIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The data-load guard in the whole service: contacts are changed through the Salesforce emulator's REST API (a
 * composite update is one transaction of at most 200 records, as in Salesforce, so 500 contacts take three), the
 * change events reach intake over Pub/Sub, held opt-ins are reviewed over JMX, CU Ascend's batch is read from the
 * delivered file, and the weekly export from its folder.
 */
class DataLoadGuardIntegrationTest extends ServiceIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final Path OUTBOX = Path.of("target", "data-load-guard-it", UUID.randomUUID().toString());
    private static final String DATA_LOADER = "DataLoaderBulkUI";
    private static final int COMPOSITE_LIMIT = 200;

    @DynamicPropertySource
    static void guard(DynamicPropertyRegistry registry) {
        // Spring Boot's tests switch JMX off; the admin's MBean is what these tests drive.
        registry.add("spring.jmx.enabled", () -> "true");
        registry.add("optout.guard.restore-on-reject", () -> "true");
        registry.add("optout.guard.restore.poll-interval", () -> "200");
        registry.add("optout.resubscribe.endpoint", () -> "file:" + OUTBOX.resolve("resubscribe"));
        registry.add("optout.tickets.endpoint", () -> "file:" + OUTBOX.resolve("tickets"));
        registry.add("optout.ascend.endpoint", () -> "file:" + OUTBOX.resolve("ascend"));
        registry.add("optout.ascend.staging-dir", () -> OUTBOX.resolve("ascend-staging").toString());
    }

    @Autowired
    SalesforceEmulator salesforce;
    @Autowired
    CamelContext camel;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ChangeLedger ledger;
    @Autowired
    ResubscribeAdmin resubscribe;
    @Autowired
    MeterRegistry meters;
    @Autowired
    DeadLetterService deadLetters;

    private final MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
    private SalesforceRestClient specialist;
    private long seed = 1;

    @BeforeEach
    void subscribed() {
        specialist = specialistOnceSubscribed();
    }

    @Test
    void compositeUpdateClearingOptOutOnFiveHundredContactsIsHeldAndNeitherLookedUpNorBatched() throws Exception {
        List<String> contacts = optedOutContacts(500);

        updateAll(contacts, false, null);

        List<ContactChange> held = awaitOptIns(contacts, ChangeState.HELD);
        assertThat(held).hasSize(500);
        assertThat(held.stream().map(ContactChange::transactionKey).distinct()).as("500 records: three composite calls")
                .hasSize(3);
        // Delivering now takes every READY change; the held ones must stay out of the file and out of the flow.
        List<String> delivered = deliverNow();
        assertThat(delivered).noneMatch(row -> contacts.contains(contactOf(row)) && row.contains(",FALSE,"));
        assertThat(lookUpsQueued(held)).as("none went down the opt-in flow").isZero();
        assertThat(held).allSatisfy(c -> assertThat(ledger.find(c.id()).orElseThrow().state())
                .isEqualTo(ChangeState.HELD));
    }

    @Test
    void compositeUpdateClearingOptOutOnThreeContactsByAPersonFlows() throws Exception {
        List<String> contacts = optedOutContacts(3);

        updateAll(contacts, false, null);

        List<ContactChange> ready = awaitOptIns(contacts, ChangeState.READY);
        assertThat(lookUpsQueued(ready)).isEqualTo(3);
        assertThat(jdbc.queryForObject("select held_at is null from guard_transaction where transaction_key = ?",
                Boolean.class, ready.get(0).transactionKey())).isTrue();
        List<String> delivered = deliverNow();
        assertThat(contacts).allSatisfy(c -> assertThat(delivered).anySatisfy(row ->
                assertThat(row).startsWith(c + ",").contains(",FALSE,")));
    }

    @Test
    void anOptInFromADataLoaderIsHeldEvenWhenSmallAndReleasedOrRejectedOneByOne() throws Exception {
        List<String> contacts = optedOutContacts(2);

        updateAll(contacts, false, DATA_LOADER);

        List<ContactChange> held = awaitOptIns(contacts, ChangeState.HELD);
        assertThat(held).allSatisfy(c -> assertThat(c.changeOrigin()).endsWith(";client=" + DATA_LOADER));
        assertThat(jdbc.queryForObject("select held_reason from guard_transaction where transaction_key = ?",
                String.class, held.get(0).transactionKey())).startsWith("BULK_ORIGIN");

        String released = (String) invoke("releaseChange", held.get(0).id());
        String rejected = (String) invoke("rejectChange", held.get(1).id());

        assertThat(released).isEqualTo("Change " + held.get(0).id() + " (contact " + contacts.get(0)
                + ") released to the opt-in flow");
        assertThat(rejected).contains("rejected, never delivered to CU Ascend");
        awaitOptIns(contacts.subList(0, 1), ChangeState.READY);
        assertThat(ledger.find(held.get(1).id()).orElseThrow().state()).isEqualTo(ChangeState.REJECTED);
        assertThat(invoke("releaseChange", held.get(1).id())).isEqualTo("Change " + held.get(1).id()
                + " is not held (state REJECTED)");
    }

    @Test
    void aTransactionCarriedByTwoEventsIsCountedAsOneAndItsEarlierOptInsAreHeldToo() {
        List<String> contacts = optedOutContacts(25);
        // One composite update, two distinct changes: 15 contacts opted in, 10 opted in and retitled.
        Map<String, Map<String, ?>> rows = new java.util.LinkedHashMap<>();
        contacts.subList(0, 15).forEach(c -> rows.put(c, Map.of("HasOptedOutOfEmail", false)));
        contacts.subList(15, 25).forEach(c -> rows.put(c, Map.of("HasOptedOutOfEmail", false, "Title", "Alumna")));
        long eventsBefore = salesforce.pubSub().publishedCount();

        specialist.updateEach(rows, null);

        List<ContactChange> held = awaitOptIns(contacts, ChangeState.HELD);
        assertThat(salesforce.pubSub().publishedCount() - eventsBefore).as("two change events").isEqualTo(2);
        assertThat(held.stream().map(ContactChange::transactionKey).distinct()).hasSize(1);
        assertThat(lookUpsQueued(held)).isZero();
        assertThat(jdbc.queryForObject("select opt_ins from guard_transaction where transaction_key = ?",
                Integer.class, held.get(0).transactionKey())).isEqualTo(25);
    }

    @Test
    void aMassOptOutOfFiveHundredContactsIsNeverHeldEvenFromADataLoader() {
        List<String> contacts = newContacts(500);

        updateAll(contacts, true, DATA_LOADER);

        await().atMost(PATIENCE).until(() -> contacts.stream().allMatch(c -> has(c, Direction.OPT_OUT, ChangeState.READY)));
        assertThat(contacts.stream().flatMap(c -> ledger.forContact(c).stream()))
                .noneMatch(c -> c.state() == ChangeState.HELD);
        // Only this load's transactions: an opt-in test of this class leaves its held Data Loader tally behind.
        List<String> transactions = contacts.stream().flatMap(c -> ledger.forContact(c).stream())
                .filter(c -> c.direction() == Direction.OPT_OUT).map(ContactChange::transactionKey).distinct().toList();
        assertThat(transactions).isNotEmpty();
        assertThat(transactions).allSatisfy(key -> assertThat(jdbc.queryForObject(
                "select count(*) from guard_transaction where transaction_key = ?", Long.class, key))
                .as("opt-outs are not even counted").isZero());
    }

    @Test
    void releasedOptInsGoDownTheOptInFlowIntoTheNextBatchAndASupersededOneIsNotDelivered() throws Exception {
        List<String> contacts = optedOutContacts(25);
        updateAll(contacts, false, null);
        List<ContactChange> held = awaitOptIns(contacts, ChangeState.HELD);
        String transaction = held.get(0).transactionKey();
        String later = contacts.get(0);
        // While held, the contact opts out again: that later value is what CU Ascend must keep.
        specialist.setOptOut(later, true);
        await().atMost(PATIENCE).until(() -> ledger.forContact(later).stream()
                .filter(c -> c.direction() == Direction.OPT_OUT).count() == 2
                && !has(later, Direction.OPT_OUT, ChangeState.RECEIVED));
        deliverNow();

        String answer = (String) invoke("releaseTransaction", transaction);

        assertThat(answer).startsWith("Transaction " + transaction + ": 24 opt-in(s) released to the opt-in flow; 1"
                + " superseded").contains("contact " + later);
        List<String> released = contacts.subList(1, 25);
        List<ContactChange> ready = awaitOptIns(released, ChangeState.READY);
        await().atMost(PATIENCE).until(() -> lookUpsQueued(ready) == 24);
        assertThat(optIn(later).state()).isEqualTo(ChangeState.SUPERSEDED);
        List<String> delivered = deliverNow();
        assertThat(released).allSatisfy(c -> assertThat(delivered).anySatisfy(row ->
                assertThat(row).startsWith(c + ",").contains(",FALSE,")));
        assertThat(delivered).noneMatch(row -> row.startsWith(later + ","));
        assertThat(allDeliveredRows()).filteredOn(row -> row.startsWith(later + ","))
                .allSatisfy(row -> assertThat(row).contains(",TRUE,"));
    }

    @Test
    void rejectedOptInsAreNeverDeliveredAndWithRestoreSalesforceShowsTheOptOutAgain() throws Exception {
        List<String> contacts = optedOutContacts(22);
        updateAll(contacts, false, null);
        List<ContactChange> held = awaitOptIns(contacts, ChangeState.HELD);
        assertThat(optOutValues(contacts)).containsOnly(false);

        String answer = (String) invoke("rejectTransaction", held.get(0).transactionKey());

        assertThat(answer).isEqualTo("Transaction " + held.get(0).transactionKey() + ": 22 opt-in(s) rejected, never"
                + " delivered to CU Ascend; 22 contact(s) will get Email Opt Out = true written back in Salesforce");
        await().atMost(PATIENCE).until(() -> !optOutValues(contacts).contains(false));
        // The restore comes back as an opt-out event like any other: both systems show the opt-out again.
        await().atMost(PATIENCE).until(() -> contacts.stream().map(this::latest).allMatch(c ->
                c.direction() == Direction.OPT_OUT && c.changeOrigin().endsWith(";client=OptOutSync")));
        assertThat(jdbc.queryForObject("select count(*) from guard_resolution where restore_state = 'DONE'"
                + " and transaction_key = ?", Long.class, held.get(0).transactionKey())).isEqualTo(22);
        await().atMost(PATIENCE).until(() -> contacts.stream().noneMatch(c -> has(c, Direction.OPT_OUT,
                ChangeState.RECEIVED)));
        deliverNow();
        assertThat(allDeliveredRows()).noneMatch(row -> contacts.contains(contactOf(row)) && row.contains(",FALSE,"));
        assertThat(held).allSatisfy(c -> assertThat(ledger.find(c.id()).orElseThrow().state())
                .isEqualTo(ChangeState.REJECTED));
    }

    @Test
    void heldOptInsAreListedBesideTheWeeklySheetAndInTheJmxAttributes() throws Exception {
        List<String> contacts = optedOutContacts(21);
        double heldBefore = meters.counter("optout.guard.changes.held").count();
        updateAll(contacts, false, null);
        List<ContactChange> held = awaitOptIns(contacts, ChangeState.HELD);
        String transaction = held.get(0).transactionKey();

        resubscribe.exportNow();

        Path file = newestFile("resubscribe", "held-opt-ins-");
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).startsWith("Kind,Change Id,Contact Id,Name,Email,Transaction,Opt-ins In Transaction,"
                + "Reason,");
        assertThat(held).allSatisfy(c -> {
            Map<String, Object> person = salesforce.http().getContact(c.contactId()).orElseThrow();
            assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("HELD_OPT_IN," + c.id() + ","
                    + c.contactId() + "," + CsvCells.cell(String.valueOf(person.get("Name"))) + ","
                    + CsvCells.cell(String.valueOf(person.get("Email"))) + "," + transaction + ",21,MASS_TRANSACTION"));
        });
        List<String> sheet = Files.readAllLines(newestFile("resubscribe", "resubscribe-requests-"));
        assertThat(held).allSatisfy(c -> assertThat(sheet).anySatisfy(line -> assertThat(line)
                .startsWith("HELD_OPT_IN," + c.contactId() + ",,,,,HELD MASS_TRANSACTION")));

        ObjectName guard = new ObjectName("edu.cu.ecomm.optout:type=DataLoadGuard");
        long heldNow = ledger.count(ChangeState.HELD);
        assertThat(heldNow).isGreaterThanOrEqualTo(21);
        assertThat(jmx.getAttribute(guard, "HeldChanges")).isEqualTo(heldNow);
        assertThat((Long) jmx.getAttribute(guard, "HeldTransactions")).isGreaterThanOrEqualTo(1);
        assertThat((String[]) jmx.getAttribute(guard, "HeldTransactionList"))
                .anySatisfy(line -> assertThat(line).startsWith(transaction + " | 21 | MASS_TRANSACTION"));
        assertThat((String[]) jmx.getAttribute(guard, "HeldChangeList"))
                .anySatisfy(line -> assertThat(line).startsWith(held.get(0).id() + " | " + held.get(0).contactId()));
        assertThat(jmx.getAttribute(guard, "MaxOptIns")).isEqualTo(20);
        assertThat(meters.counter("optout.guard.changes.held").count() - heldBefore).isEqualTo(21);
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    void aDataLoadTooLargeForChangeEventsIsCaughtUpAndItsOptInsAreHeldAsOneCatchUp() {
        List<String> contacts = optedOutContacts(60);
        // Salesforce sends a transaction too large for change events as one GAP_OVERFLOW event: no contacts, no
        // values, so intake catches up from its time, and the catch-up's opt-ins are counted together.
        salesforce.pubSub().publishNextAsOverflow();

        updateAll(contacts, false, null);

        String catchUp = heldTogether(awaitOptIns(contacts, ChangeState.HELD), ChangeSource.CATCHUP);
        assertThat(catchUp).startsWith("catch-up:");
        assertThat(heldReason(catchUp)).isEqualTo("MASS_TRANSACTION: more than 50 opt-ins in one catch-up");
    }

    @Test
    void gapEventsOfAMassOptInAreReReadAndHeldWithTheirTransaction() {
        List<String> contacts = optedOutContacts(25);
        // Header only: the contacts are re-read from Salesforce, and counted with the transaction the gap event names.
        salesforce.pubSub().publishNextAsGapEvents(1);

        updateAll(contacts, false, null);

        String transaction = heldTogether(awaitOptIns(contacts, ChangeState.HELD), ChangeSource.GAP_REQUERY);
        assertThat(transaction).doesNotStartWith("event:");
        assertThat(heldReason(transaction)).isEqualTo("MASS_TRANSACTION: more than 20 opt-ins in one transaction");
    }

    @Test
    void anUnreadableOptInFromADataLoaderIsHeldWhenItsDeadLetterIsReplayed() {
        String contact = optedOutContacts(1).get(0);
        String transaction = UUID.randomUUID().toString();
        // Intake cannot read this event (its changedFields bitmap is not hex): it is kept whole as a dead letter.
        salesforce.pubSub().injectRaw(HandMadeChangeEvents.withBitmap(salesforce, List.of(contact), false,
                "com/salesforce/api/soap/64.0;client=" + DATA_LOADER + "/", transaction, "0xnothex"));
        DeadLetter letter = awaitUnreadableLetters(transaction, 1).get(0);
        // Salesforce now has the load's value; the replay re-reads it (this event is lost: nothing else records it).
        salesforce.pubSub().publishNextGarbled(1);
        updateAll(List.of(contact), false, null);

        assertThat(deadLetters.replay(letter.id()).resolved()).isTrue();

        ContactChange held = optIn(contact);
        assertThat(held.state()).isEqualTo(ChangeState.HELD);
        assertThat(held.transactionKey()).as("counted with the event's own transaction").isEqualTo(transaction);
        assertThat(heldReason(transaction)).startsWith("BULK_ORIGIN");
    }

    @Test
    void unreadableEventsOfOneMassOptInAreCountedTogetherWhenTheirDeadLettersAreReplayed() {
        List<String> contacts = optedOutContacts(21);
        String transaction = UUID.randomUUID().toString();
        // One transaction of 21 opt-ins by a person, in three events of 7 that intake cannot read: three letters.
        for (int from = 0; from < 21; from += 7) {
            salesforce.pubSub().injectRaw(HandMadeChangeEvents.withBitmap(salesforce, contacts.subList(from, from + 7),
                    false, "com/salesforce/api/rest/64.0", transaction, "0xnothex"));
        }
        List<DeadLetter> letters = awaitUnreadableLetters(transaction, 3);
        salesforce.pubSub().publishNextGarbled(1);
        updateAll(contacts, false, null);

        letters.forEach(letter -> assertThat(deadLetters.replay(letter.id()).resolved()).isTrue());

        // The third letter takes the transaction over the limit: the opt-ins the first two recorded are held too.
        List<ContactChange> held = awaitOptIns(contacts, ChangeState.HELD);
        assertThat(held).extracting(ContactChange::transactionKey).containsOnly(transaction);
        assertThat(heldReason(transaction)).isEqualTo("MASS_TRANSACTION: more than 20 opt-ins in one transaction");
    }

    private List<DeadLetter> awaitUnreadableLetters(String transaction, int count) {
        return await().atMost(PATIENCE).until(() -> deadLetters.open().stream()
                .filter(d -> d.reason().startsWith("undecodable event") && d.payload() != null
                        && d.payload().contains(transaction))
                .toList(), letters -> letters.size() == count);
    }

    private String heldReason(String transactionKey) {
        return jdbc.queryForObject("select held_reason from guard_transaction where transaction_key = ?",
                String.class, transactionKey);
    }

    /** Held opt-ins found by one kind of re-read, none looked up, all under one key: returns the key. */
    private String heldTogether(List<ContactChange> held, ChangeSource source) {
        assertThat(held).allSatisfy(c -> assertThat(c.source()).isEqualTo(source));
        assertThat(lookUpsQueued(held)).as("none went down the opt-in flow").isZero();
        List<String> keys = held.stream().map(ContactChange::transactionKey).distinct().toList();
        assertThat(keys).as("one transaction key").hasSize(1);
        return keys.get(0);
    }

    /** New contacts, not opted out, created in one transaction through the emulator (their CREATE events flow). */
    private List<String> newContacts(int n) {
        List<String> ids = salesforce.http().seedContacts(n, seed++);
        // About one in fourteen is seeded opted out; start every one of them opted in for a clean test.
        List<String> optedOut = ids.stream().filter(id -> Boolean.TRUE.equals(
                salesforce.http().getContact(id).orElseThrow().get("HasOptedOutOfEmail"))).toList();
        optedOut.forEach(id -> salesforce.http().updateContact(id, Map.of("HasOptedOutOfEmail", false)));
        await().atMost(PATIENCE).until(() -> optedOut.stream().allMatch(c -> !ledger.forContact(c).isEmpty()
                && ledger.forContact(c).stream().noneMatch(ch -> ch.state() == ChangeState.RECEIVED)));
        return ids;
    }

    /** Contacts opted out (by a person, a few at a time: never a mass opt-in later confused with the setup). */
    private List<String> optedOutContacts(int n) {
        List<String> contacts = newContacts(n);
        updateAll(contacts, true, null);
        await().atMost(PATIENCE).until(() -> contacts.stream().allMatch(c -> has(c, Direction.OPT_OUT, ChangeState.READY)
                || has(c, Direction.OPT_OUT, ChangeState.DELIVERED)));
        return contacts;
    }

    /** One composite update per 200 contacts, as Salesforce's sObject Collections allow. */
    private void updateAll(List<String> contacts, boolean optedOut, String client) {
        for (int from = 0; from < contacts.size(); from += COMPOSITE_LIMIT) {
            specialist.updateAll(contacts.subList(from, Math.min(contacts.size(), from + COMPOSITE_LIMIT)),
                    Map.of("HasOptedOutOfEmail", optedOut), client);
        }
    }

    private List<ContactChange> awaitOptIns(List<String> contacts, ChangeState state) {
        await().atMost(PATIENCE).until(() -> contacts.stream().allMatch(c -> has(c, Direction.OPT_IN, state)));
        return contacts.stream().map(this::optIn).toList();
    }

    private ContactChange optIn(String contact) {
        return ledger.forContact(contact).stream().filter(c -> c.direction() == Direction.OPT_IN).reduce((a, b) -> b)
                .orElseThrow();
    }

    private ContactChange latest(String contact) {
        List<ContactChange> changes = ledger.forContact(contact);
        return changes.get(changes.size() - 1);
    }

    private boolean has(String contact, Direction direction, ChangeState state) {
        return ledger.forContact(contact).stream().anyMatch(c -> c.direction() == direction && c.state() == state);
    }

    private long lookUpsQueued(List<ContactChange> changes) {
        String ids = changes.stream().map(c -> Long.toString(c.id())).collect(Collectors.joining(","));
        return jdbc.queryForObject("select count(*) from optin_lookup where change_id in (" + ids + ")", Long.class);
    }

    private List<Boolean> optOutValues(List<String> contacts) {
        Map<String, Boolean> values = specialist.optOutValues();
        return contacts.stream().map(values::get).toList();
    }

    private Object invoke(String operation, Object argument) throws Exception {
        String type = argument instanceof Long ? "long" : String.class.getName();
        return jmx.invoke(new ObjectName("edu.cu.ecomm.optout:type=DataLoadGuard"), operation,
                new Object[] {argument}, new String[] {type});
    }

    /** Runs the nightly delivery now and returns the data rows of the file it delivered (none: empty). */
    private List<String> deliverNow() throws IOException {
        Set<Path> before = Set.copyOf(files("ascend", "optout-"));
        camel.createProducerTemplate().sendBody("direct:ascend-deliver-now", null);
        List<String> rows = new ArrayList<>();
        for (Path file : files("ascend", "optout-")) {
            if (!before.contains(file) && file.toString().endsWith(".csv")) {
                List<String> lines = Files.readAllLines(file);
                rows.addAll(lines.subList(1, lines.size()));
            }
        }
        return rows;
    }

    private List<String> allDeliveredRows() throws IOException {
        List<String> rows = new ArrayList<>();
        for (Path file : files("ascend", "optout-")) {
            if (file.toString().endsWith(".csv")) {
                List<String> lines = Files.readAllLines(file);
                rows.addAll(lines.subList(1, lines.size()));
            }
        }
        return rows;
    }

    private static String contactOf(String row) {
        return row.substring(0, row.indexOf(','));
    }

    private static Path newestFile(String folder, String prefix) throws IOException {
        List<Path> files = files(folder, prefix);
        assertThat(files).as("files %s* in %s", prefix, folder).isNotEmpty();
        return files.get(files.size() - 1);
    }

    private static List<Path> files(String folder, String prefix) throws IOException {
        Path dir = OUTBOX.resolve(folder);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }
}
