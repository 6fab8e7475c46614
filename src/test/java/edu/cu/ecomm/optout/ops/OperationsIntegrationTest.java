package edu.cu.ecomm.optout.ops;

import static edu.cu.ecomm.optout.ledger.SqlTime.toSql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import javax.management.MBeanServer;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;

import edu.cu.ecomm.optout.OptOutSyncApplication;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import edu.cu.ecomm.optout.support.ServiceIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service as an integration admin operates it: the MBeans under edu.cu.ecomm.optout read the ledger, their
 * operations work through the platform MBean server and through the remote connector (only with credentials,
 * and only for a readwrite user), Camel's own MBeans are there, and health is served over HTTP.
 */
@SpringBootTest(classes = OptOutSyncApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DisableJmx(false)
class OperationsIntegrationTest extends ServiceIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Path WORK = Path.of("target", "ops-test", UUID.randomUUID().toString());
    private static final JmxUsers USERS = JmxUsers.in(WORK.resolve("jmx"));
    private static final int JMX_PORT = freePort();

    @DynamicPropertySource
    static void remoteJmxAndOutboxes(DynamicPropertyRegistry registry) {
        USERS.properties(JMX_PORT).forEach((key, value) -> registry.add(key, () -> value));
        // Spring Boot's tests switch JMX off by default; this test is about JMX.
        registry.add("spring.jmx.enabled", () -> "true");
        registry.add("optout.resubscribe.endpoint", () -> "file:" + WORK.resolve("sheets").toAbsolutePath());
        registry.add("optout.tickets.endpoint", () -> "file:" + WORK.resolve("tickets").toAbsolutePath());
        registry.add("optout.ascend.endpoint", () -> "file:" + WORK.resolve("ascend").toAbsolutePath());
        registry.add("optout.ascend.staging-dir", () -> WORK.resolve("staging").toAbsolutePath().toString());
    }

    @Autowired
    SalesforceEmulator salesforce;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ChangeLedger ledger;
    @Autowired
    HealthEndpoint health;
    @Autowired
    MeterRegistry meters;
    @Value("${local.server.port}")
    int httpPort;

    private final MBeanServer platform = ManagementFactory.getPlatformMBeanServer();

    @BeforeEach
    void subscribed() {
        await().atMost(PATIENCE).until(() -> salesforce.pubSub().activeSubscriptions() == 1);
        // The first start's own catch-up is done: what a test changes is intake's to record.
        await().atMost(PATIENCE).until(() -> jdbc.queryForObject(
                "select count(*) from catch_up_request where state = 'PENDING'", Long.class) == 0);
    }

    @Test
    void camelsOwnMBeansShowTheContextRoutesAndEndpoints() throws Exception {
        assertThat(platform.queryNames(new ObjectName("org.apache.camel:type=context,*"), null)).isNotEmpty();
        assertThat(platform.queryNames(new ObjectName("org.apache.camel:type=routes,name=\"contact-changes\",*"), null))
                .hasSize(1);
        assertThat(platform.queryNames(new ObjectName("org.apache.camel:type=endpoints,*"), null)).isNotEmpty();
        ObjectName route = platform.queryNames(new ObjectName("org.apache.camel:type=routes,name=\"change-dispatch\",*"),
                null).iterator().next();
        await().atMost(PATIENCE).until(() -> (Long) platform.getAttribute(route, "ExchangesTotal") > 0);
    }

    @Test
    void everyAttributeReflectsTheLedger() throws Exception {
        // A real event first, so that a real checkpoint exists; its times are then set to known values.
        String contact = newContacts(1).get(0);
        new SalesforceRestClient(salesforce.loginUrl()).setOptOut(contact, true);
        await().atMost(PATIENCE).until(() -> ledger.forContact(contact).size() == 1);
        Instant now = Instant.now();
        long waiting = (Long) intake("Delivery", "WaitingForDelivery");
        long held = (Long) intake("Delivery", "HeldChanges");
        long open = (Long) intake("Resubscribe", "OpenRequests");
        long tickets = (Long) intake("Resubscribe", "UrgentTicketsSent");
        long warnings = (Long) intake("Resubscribe", "PreferenceWarnings");
        long deadLetters = (Long) intake("DeadLetters", "Open");

        long ready = change("READY", now.minus(Duration.ofHours(3)));
        long ready2 = change("READY", now.minus(Duration.ofHours(1)));
        change("HELD", now.minus(Duration.ofHours(5)));
        change("DELIVERED", now.minus(Duration.ofHours(30)));
        request(false, null);
        request(true, now);
        request(false, now).close();
        warning(ready, null);
        warning(ready, now);
        deadLetter("OPEN");
        deadLetter("OPEN");
        deadLetter("DISCARDED");
        // Times within the retention window, so that a later resume still starts after this checkpoint.
        Instant committed = now.minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        checkpoint(committed, committed.plusSeconds(7));

        assertThat(intake("Delivery", "WaitingForDelivery")).isEqualTo(waiting + 2);
        assertThat((Long) intake("Delivery", "OldestWaitingAgeSeconds")).isBetween(3 * 3600L, 3 * 3600L + 120);
        assertThat(intake("Delivery", "HeldChanges")).isEqualTo(held + 1);
        assertThat(intake("Resubscribe", "OpenRequests")).isEqualTo(open + 2);
        assertThat(intake("Resubscribe", "UrgentTicketsSent")).isEqualTo(tickets + 2);
        assertThat(intake("Resubscribe", "PreferenceWarnings")).isEqualTo(warnings + 1);
        assertThat(intake("DeadLetters", "Open")).isEqualTo(deadLetters + 2);
        assertThat(intake("Intake", "LastEventCommitTime")).isEqualTo(committed.toString());
        assertThat(intake("Intake", "IntakeLagSeconds")).isEqualTo(7L);
        assertThat(intake("Intake", "SubscriptionState")).isEqualTo("Started, connected, single");
        assertThat(intake("Intake", "Connected")).isEqualTo(true);
        assertThat(intake("Audit", "Discrepancies")).isEqualTo(0L);
        markDelivered(ready);
        markDelivered(ready2);
    }

    @Test
    void intakePausedOverJmxRecordsWhatChangedMeanwhileOnceResumed() throws Exception {
        SalesforceRestClient specialist = new SalesforceRestClient(salesforce.loginUrl());
        List<String> contacts = newContacts(4);
        specialist.setOptOut(contacts.get(0), true);
        await().atMost(PATIENCE).until(() -> ledger.forContact(contacts.get(0)).size() == 1);

        assertThat(platform.invoke(name("Intake"), "pause", null, null)).isEqualTo("Intake paused");
        await().atMost(PATIENCE).until(() -> salesforce.pubSub().activeSubscriptions() == 0);
        assertThat(intake("Intake", "RouteStatus")).isEqualTo("Stopped");
        assertThat(health.healthForPath("salesforceSubscription").getStatus()).isEqualTo(Status.DOWN);

        contacts.subList(1, 4).forEach(id -> specialist.setOptOut(id, true));
        assertThat(platform.invoke(name("Intake"), "resume", null, null))
                .isEqualTo("Intake resumed from the stored checkpoint");
        await().atMost(PATIENCE).until(() -> contacts.stream().allMatch(id -> ledger.forContact(id).size() == 1));
        await().atMost(PATIENCE).until(() -> health.healthForPath("salesforceSubscription").getStatus() == Status.UP);
        assertThat(contacts).allSatisfy(id -> assertThat(ledger.forContact(id)).hasSize(1));
    }

    @Test
    void deliverNowSendsTheReadyChangesAndTheLastBatchShowsIt() throws Exception {
        String contact = newContacts(1).get(0);
        new SalesforceRestClient(salesforce.loginUrl()).setOptOut(contact, true);
        await().atMost(PATIENCE).until(() -> ledger.forContact(contact).size() == 1
                && ledger.forContact(contact).get(0).state() == edu.cu.ecomm.optout.ledger.ChangeState.READY);

        Object answer = platform.invoke(name("Delivery"), "deliverNow", null, null);

        assertThat(answer).asString().contains("batch(es) delivered");
        assertThat(meters.get("optout.delivery.batches").functionCounter().count()).isGreaterThanOrEqualTo(1);
        assertThat(meters.get("optout.delivery.rows").functionCounter().count()).isGreaterThanOrEqualTo(1);
        assertThat(meters.get("optout.intake.changes.recorded").counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(ledger.forContact(contact).get(0).state()).isEqualTo(edu.cu.ecomm.optout.ledger.ChangeState.DELIVERED);
        long batch = (Long) intake("Delivery", "LastBatchId");
        assertThat(batch).isPositive();
        assertThat((Long) intake("Delivery", "LastBatchRows")).isPositive();
        assertThat(Instant.parse((String) intake("Delivery", "LastBatchDeliveredAt")))
                .isBetween(Instant.now().minusSeconds(60), Instant.now());
        assertThat(jdbc.queryForObject("select row_count from ascend_batch where id = ?", Integer.class, batch))
                .isEqualTo(((Long) intake("Delivery", "LastBatchRows")).intValue());
        try (Stream<Path> files = Files.list(WORK.resolve("ascend"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .contains((String) intake("Delivery", "LastBatchFile"));
        }
    }

    @Test
    void healthGoesDownWhenAChangeWaitsLongerThanTheDeliveryAge() {
        assertThat(health.healthForPath("ascendDelivery").getStatus()).isEqualTo(Status.UP);
        long overdue = change("READY", Instant.now().minus(Duration.ofHours(27)));
        try {
            assertThat(health.healthForPath("ascendDelivery").getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        } finally {
            markDelivered(overdue);
        }
        assertThat(health.healthForPath("ascendDelivery").getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void healthGoesDownWhileSalesforceRefusesTheSubscription() throws Exception {
        await().atMost(PATIENCE).until(() -> health.healthForPath("salesforceSubscription").getStatus() == Status.UP);
        salesforce.pubSub().setAvailable(false);
        try {
            await().atMost(PATIENCE).until(() -> health.healthForPath("salesforceSubscription").getStatus() == Status.DOWN);
            assertThat(intake("Intake", "Connected")).isEqualTo(false);
        } finally {
            salesforce.pubSub().setAvailable(true);
        }
        await().atMost(PATIENCE).until(() -> salesforce.pubSub().activeSubscriptions() == 1
                && health.healthForPath("salesforceSubscription").getStatus() == Status.UP);
    }

    @Test
    void healthGoesDownWhenTheNewestEventWasRecordedTooLongAfterItsCommit() throws Exception {
        String contact = newContacts(1).get(0);
        new SalesforceRestClient(salesforce.loginUrl()).setOptOut(contact, true);
        await().atMost(PATIENCE).until(() -> ledger.forContact(contact).size() == 1);
        Instant recorded = Instant.now();
        checkpoint(recorded.minus(Duration.ofMinutes(20)), recorded);
        try {
            assertThat(health.healthForPath("salesforceSubscription").getStatus()).isEqualTo(Status.DOWN);
            assertThat(intake("Intake", "IntakeLagSeconds")).isEqualTo(1200L);
        } finally {
            checkpoint(recorded, recorded);
        }
        assertThat(health.healthForPath("salesforceSubscription").getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aCatchUpFailingForHoursShowsOnJmxAsAGaugeAndTurnsTheCatchUpQueueHealthDown() throws Exception {
        Instant failingSince = Instant.now().minus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        // What two hours of refusals leave behind; its next try is an hour away, so the route leaves it alone here.
        jdbc.update("insert into catch_up_request (kind, from_time, reason, requested_at, not_before, state, attempts,"
                        + " last_error, failing_since) values ('CATCH_UP', ?, 'GAP_OVERFLOW event', ?, ?, 'PENDING', 30,"
                        + " 'java.lang.IllegalStateException: REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.', ?)",
                toSql(failingSince), toSql(failingSince), toSql(Instant.now().plus(Duration.ofHours(1))), toSql(failingSince));
        try {
            assertThat(intake("Intake", "PendingCatchUps")).isEqualTo(1L);
            assertThat(intake("Intake", "CatchUpsFailingSince")).isEqualTo(failingSince.toString());
            assertThat((String) intake("Intake", "CatchUpLastError")).contains("REQUEST_LIMIT_EXCEEDED");
            assertThat(meters.get("optout.catch-up.failing.seconds").gauge().value()).isGreaterThanOrEqualTo(7200);
            assertThat(health.healthForPath("catchUpQueue").getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.healthForPath("intake", "catchUpQueue").getStatus()).isEqualTo(Status.DOWN);
        } finally {
            jdbc.update("delete from catch_up_request where reason = 'GAP_OVERFLOW event' and state = 'PENDING'");
        }
        assertThat(health.healthForPath("catchUpQueue").getStatus()).isEqualTo(Status.UP);
        assertThat(intake("Intake", "CatchUpsFailingSince")).isEqualTo("");
    }

    @Test
    void onlyHealthIsServedOverHttp() throws Exception {
        HttpResponse<String> healthResponse = get("/actuator/health");
        assertThat(healthResponse.statusCode()).isIn(200, 503);
        assertThat(healthResponse.body()).contains("\"salesforceSubscription\"", "\"ascendDelivery\"", "\"db\"");
        assertThat(get("/actuator/health/intake").statusCode()).isIn(200, 503);
        assertThat(get("/actuator/metrics").statusCode()).isEqualTo(404);
        assertThat(get("/actuator/env").statusCode()).isEqualTo(404);
    }

    @Test
    void remoteConnectorRefusesWithoutCredentials() {
        assertThatThrownBy(() -> JmxUsers.connect(JMX_PORT, null, null, Map.of()).close())
                .isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> JmxUsers.connect(JMX_PORT, "operator", "wrong", Map.of()).close())
                .isInstanceOf(SecurityException.class);
    }

    @Test
    void readonlyUserReadsButCannotOperate() throws Exception {
        try (JMXConnector viewer = JmxUsers.connect(JMX_PORT, "viewer", USERS.viewerPassword, Map.of())) {
            MBeanServerConnection remote = viewer.getMBeanServerConnection();
            assertThat(remote.getAttribute(name("DeadLetters"), "Open")).isInstanceOf(Long.class);
            assertThatThrownBy(() -> remote.invoke(name("Intake"), "pause", null, null))
                    .isInstanceOf(SecurityException.class);
        }
        assertThat(intake("Intake", "RouteStatus")).isEqualTo("Started");
    }

    @Test
    void operatorEscalatesClosesAndDiscardsOverTheRemoteConnector() throws Exception {
        long toEscalate = request(false, null).id;
        long toClose = request(false, null).id;
        long letter = deadLetter("OPEN");
        try (JMXConnector operator = JmxUsers.connect(JMX_PORT, "operator", USERS.operatorPassword, Map.of())) {
            MBeanServerConnection remote = operator.getMBeanServerConnection();
            long ticketsBefore = (Long) remote.getAttribute(name("Resubscribe"), "UrgentTicketsSent");

            assertThat(remote.invoke(name("Resubscribe"), "escalate", new Object[] {toEscalate},
                    new String[] {"long"})).isEqualTo(true);
            assertThat(remote.invoke(name("Resubscribe"), "close", new Object[] {toClose, "duplicate"},
                    new String[] {"long", String.class.getName()})).isEqualTo(true);
            assertThat(remote.invoke(name("DeadLetters"), "discard", new Object[] {letter, "seen"},
                    new String[] {"long", String.class.getName()})).asString().contains("discarded: seen");

            assertThat(remote.getAttribute(name("Resubscribe"), "UrgentTicketsSent")).isEqualTo(ticketsBefore + 1);
        }
        assertThat(jdbc.queryForObject("select ticket_reference from resubscribe_request where id = ?", String.class,
                toEscalate)).isEqualTo("RSR-" + toEscalate);
        assertThat(Files.exists(WORK.resolve("tickets").resolve("resubscribe-RSR-" + toEscalate + ".json"))).isTrue();
        assertThat(jdbc.queryForObject("select close_reason from resubscribe_request where id = ?", String.class,
                toClose)).contains("duplicate");
        assertThat(jdbc.queryForObject("select state from dead_letter where id = ?", String.class, letter))
                .isEqualTo("DISCARDED");
    }

    @Test
    void everyOperationWorksThroughThePlatformMBeanServer() throws Exception {
        everyOperationWorksThrough(platform);
    }

    @Test
    void everyOperationWorksThroughTheRemoteConnectorWithCredentials() throws Exception {
        try (JMXConnector operator = JmxUsers.connect(JMX_PORT, "operator", USERS.operatorPassword, Map.of())) {
            everyOperationWorksThrough(operator.getMBeanServerConnection());
        }
    }

    /** Each operation of each MBean once, with its effect checked in the database or the emulator. */
    private void everyOperationWorksThrough(MBeanServerConnection server) throws Exception {
        String[] longType = {"long"};
        String[] longAndText = {"long", String.class.getName()};
        String[] text = {String.class.getName()};

        long toEscalate = request(false, null).id;
        assertThat(server.invoke(name("Resubscribe"), "escalate", new Object[] {toEscalate}, longType)).isEqualTo(true);
        assertThat(jdbc.queryForObject("select ticket_sent_at is not null from resubscribe_request where id = ?",
                Boolean.class, toEscalate)).isTrue();
        long toClose = request(false, null).id;
        assertThat(server.invoke(name("Resubscribe"), "close", new Object[] {toClose, "handled by phone"}, longAndText))
                .isEqualTo(true);
        assertThat(jdbc.queryForObject("select closed_at is not null from resubscribe_request where id = ?",
                Boolean.class, toClose)).isTrue();
        assertThat(server.invoke(name("Resubscribe"), "exportSheetNow", null, null)).asString()
                .startsWith("Sheet exported");

        // An intake dead letter naming a contact: replaying it re-reads the contact from Salesforce.
        String unreadable = newContacts(1).get(0);
        long toReplay = deadLetter("contact-changes", "event naming " + unreadable);
        long toDiscard = deadLetter("OPEN");
        assertThat((String[]) server.invoke(name("DeadLetters"), "listOpen", null, null))
                .anyMatch(line -> line.startsWith(toReplay + " | ")).anyMatch(line -> line.startsWith(toDiscard + " | "));
        assertThat(server.invoke(name("DeadLetters"), "replay", new Object[] {toReplay}, longType)).asString()
                .isEqualTo("Dead letter " + toReplay + " resolved: re-read 1 contact(s) from Salesforce; 0 change(s) recorded");
        assertThat(server.invoke(name("DeadLetters"), "discard", new Object[] {toDiscard, "checked"}, longAndText))
                .asString().isEqualTo("Dead letter " + toDiscard + " resolved: discarded: checked");
        assertThat(jdbc.queryForObject("select state from dead_letter where id = ?", String.class, toReplay))
                .isEqualTo("REPLAYED");
        assertThat(jdbc.queryForObject("select state from dead_letter where id = ?", String.class, toDiscard))
                .isEqualTo("DISCARDED");

        SalesforceRestClient specialist = new SalesforceRestClient(salesforce.loginUrl());
        List<String> contacts = newContacts(2);
        specialist.setOptOut(contacts.get(0), true);
        await().atMost(PATIENCE).until(() -> ledger.forContact(contacts.get(0)).size() == 1
                && ledger.forContact(contacts.get(0)).get(0).state() == edu.cu.ecomm.optout.ledger.ChangeState.READY);
        assertThat(server.invoke(name("Delivery"), "deliverNow", null, null)).asString().contains("batch(es) delivered");
        assertThat(ledger.forContact(contacts.get(0)).get(0).state())
                .isEqualTo(edu.cu.ecomm.optout.ledger.ChangeState.DELIVERED);

        assertThat(server.invoke(name("Intake"), "pause", null, null)).isEqualTo("Intake paused");
        await().atMost(PATIENCE).until(() -> salesforce.pubSub().activeSubscriptions() == 0);
        specialist.setOptOut(contacts.get(1), true);
        assertThat(server.invoke(name("Intake"), "resume", null, null))
                .isEqualTo("Intake resumed from the stored checkpoint");
        await().atMost(PATIENCE).until(() -> ledger.forContact(contacts.get(1)).size() == 1);

        // Everything since was recorded by intake already: the catch-up compares and finds nothing to add.
        long before = ledger.count();
        assertThat(server.invoke(name("Intake"), "catchUpFrom", new Object[] {Instant.now().minusSeconds(600).toString()},
                text)).asString().startsWith("Catch-up from").contains("requested over JMX").contains("recorded=0");
        assertThat(ledger.count()).isEqualTo(before);
    }

    @Test
    void sheetIsExportedNowThroughThePlatformMBeanServer() throws Exception {
        request(false, null);
        Object answer = platform.invoke(name("Resubscribe"), "exportSheetNow", null, null);
        assertThat(answer).asString().startsWith("Sheet exported");
        try (Stream<Path> sheets = Files.list(WORK.resolve("sheets"))) {
            assertThat(sheets.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("resubscribe-requests-") && n.endsWith(".csv"));
        }
    }

    @Test
    void catchUpRefusesATimeItCannotRead() {
        assertThatThrownBy(() -> platform.invoke(name("Intake"), "catchUpFrom", new Object[] {"yesterday"},
                new String[] {String.class.getName()})).hasStackTraceContaining("ISO-8601");
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private Object intake(String type, String attribute) throws Exception {
        return platform.getAttribute(name(type), attribute);
    }

    private static ObjectName name(String type) throws Exception {
        return new ObjectName("edu.cu.ecomm.optout:type=" + type);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private long change(String state, Instant recordedAt) {
        String contact = "003" + UUID.randomUUID().toString().replace("-", "").substring(0, 15);
        jdbc.update("insert into contact_change (contact_id, opted_out, direction, change_type, commit_timestamp,"
                        + " event_id, source, state, recorded_at) values (?, true, 'OPT_OUT', 'UPDATE', ?, ?, 'CDC', ?, ?)",
                contact, toSql(recordedAt), UUID.randomUUID().toString(), state, toSql(recordedAt));
        return jdbc.queryForObject("select id from contact_change where contact_id = ?", Long.class, contact);
    }

    private void markDelivered(long id) {
        jdbc.update("update contact_change set state = 'DELIVERED' where id = ?", id);
    }

    private final class Request {
        final long id;

        Request(long id) {
            this.id = id;
        }

        void close() {
            jdbc.update("update resubscribe_request set closed_at = ?, open_key = null where id = ?",
                    toSql(Instant.now()), id);
        }
    }

    private Request request(boolean urgent, Instant ticketSentAt) {
        String contact = "003" + UUID.randomUUID().toString().replace("-", "").substring(0, 15);
        jdbc.update("insert into resubscribe_request (contact_id, contact_name, mid, unit_name, status_found, colour,"
                        + " urgent, opened_at, last_checked_at, ticket_sent_at, ticket_reference, open_key)"
                        + " values (?, 'Test Contact', 100000001, 'CU System', 'Held', 'GRAY', ?, ?, ?, ?, ?, ?)",
                contact, urgent || ticketSentAt != null, toSql(Instant.now()), toSql(Instant.now()), toSql(ticketSentAt),
                ticketSentAt == null ? null : "RSR-x", contact + ":100000001");
        return new Request(jdbc.queryForObject("select id from resubscribe_request where contact_id = ?", Long.class,
                contact));
    }

    private void warning(long changeId, Instant listedAt) {
        jdbc.update("insert into preference_warning (change_id, contact_id, kind, fields, found_at, listed_at)"
                        + " values (?, '003000000000001AAA', ?, 'Pref_Events__c', ?, ?)", changeId,
                listedAt == null ? "PREFERENCES_NOT_CLEARED" : "NO_CATEGORY_RECHECKED", toSql(Instant.now()),
                toSql(listedAt));
    }

    private long deadLetter(String state) {
        String reason = "test " + UUID.randomUUID();
        jdbc.update("insert into dead_letter (created_at, route_id, reason, state) values (?, 'test', ?, ?)",
                toSql(Instant.now()), reason, state);
        return jdbc.queryForObject("select id from dead_letter where reason = ?", Long.class, reason);
    }

    private long deadLetter(String routeId, String payload) {
        String reason = "test " + UUID.randomUUID();
        jdbc.update("insert into dead_letter (created_at, route_id, reason, payload, state) values (?, ?, ?, ?, 'OPEN')",
                toSql(Instant.now()), routeId, reason, payload);
        return jdbc.queryForObject("select id from dead_letter where reason = ?", Long.class, reason);
    }

    private void checkpoint(Instant commit, Instant recorded) {
        assertThat(jdbc.update("update replay_checkpoint set commit_timestamp = ?, updated_at = ?", toSql(commit),
                toSql(recorded))).isEqualTo(1);
    }

    private List<String> newContacts(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            ids.add(salesforce.http().createContact(Map.of("FirstName", "Ops", "LastName", "Test " + suffix,
                    "Email", "ops." + suffix + "@example.edu", "HasOptedOutOfEmail", false)));
        }
        return ids;
    }
}
