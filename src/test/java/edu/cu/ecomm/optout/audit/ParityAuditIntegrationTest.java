package edu.cu.ecomm.optout.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.intake.SalesforceIds;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.DeadLetterService;
import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.support.ServiceIntegrationTest;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole service with the parity audit in correction mode: an org of 40 contacts seeded before the first
 * start, CU Ascend's exports dropped into the inbound folder, audits run over JMX as an operator would, reports
 * read from the outbox, the nightly batch read from CU Ascend's folder.
 */
class ParityAuditIntegrationTest extends ServiceIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Path WORK = Path.of("target", "parity-audit-it", UUID.randomUUID().toString()).toAbsolutePath();
    private static final Path INBOUND = WORK.resolve("inbound");
    private static final Path REPORTS = WORK.resolve("reports");
    private static final Path ASCEND = WORK.resolve("ascend");
    private static final Path STAGING = WORK.resolve("audit-staging");

    @DynamicPropertySource
    static void audit(DynamicPropertyRegistry registry) {
        registry.add("optout.emulator.salesforce.seed-contacts", () -> "40");
        registry.add("spring.jmx.enabled", () -> "true");
        registry.add("optout.audit.inbound", () -> "file:" + INBOUND);
        registry.add("optout.audit.inbound-settle", () -> "200");
        registry.add("optout.audit.endpoint", () -> "file:" + REPORTS);
        registry.add("optout.audit.staging-dir", () -> STAGING.toString());
        registry.add("optout.audit.correct", () -> "true");
        registry.add("optout.audit.salesforce.poll-interval", () -> "PT0.1S");
        registry.add("optout.audit.retry.maximum-redeliveries", () -> "1");
        registry.add("optout.audit.retry.delay", () -> "100");
        registry.add("optout.ascend.endpoint", () -> "file:" + ASCEND);
        registry.add("optout.ascend.staging-dir", () -> WORK.resolve("ascend-staging").toString());
    }

    @Autowired
    SalesforceEmulator salesforce;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    ChangeLedger ledger;
    @Autowired
    DeadLetters deadLetters;
    @Autowired
    DeadLetterService deadLetterService;
    @Autowired
    JdbcTemplate jdbc;

    private final MBeanServer platform = ManagementFactory.getPlatformMBeanServer();

    /** Every earlier change delivered, the folders empty: each test starts with nothing in flight. */
    @BeforeEach
    void nothingInFlight() throws IOException {
        producer.requestBody("direct:ascend-deliver-now", (Object) null);
        for (Path folder : List.of(REPORTS, ASCEND)) {
            if (Files.exists(folder)) {
                try (Stream<Path> files = Files.walk(folder)) {
                    files.filter(Files::isRegularFile).forEach(file -> file.toFile().delete());
                }
            }
        }
    }

    @Test
    void badRowsInTheExportAreReportedWithTheirLineNumbersAndTheRestIsAudited() throws Exception {
        Map<String, Boolean> org = salesforceValues();
        List<String> ids = new ArrayList<>(org.keySet());
        String flipped = ids.get(0);
        StringBuilder csv = new StringBuilder("ContactId,Name,EmailOptOut\r\n");
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            boolean value = id.equals(flipped) ? !org.get(id) : org.get(id);
            // 15-character ids as CU Ascend may keep them, for every other contact.
            csv.append(i % 2 == 0 ? id : id.substring(0, 15)).append(",Someone,").append(value ? "TRUE" : "false")
                    .append("\r\n");
        }
        // Lines 42-46: bad rows.
        csv.append("NOT-AN-ID,Bad Id,TRUE\r\n");
        csv.append(ids.get(1)).append(",Bad Value,Y\r\n");
        csv.append(ids.get(2)).append(",TRUE\r\n");
        csv.append(ids.get(3)).append(",Listed Twice,").append(org.get(ids.get(3)) ? "FALSE" : "TRUE").append("\r\n");
        csv.append(",No Id,TRUE\r\n");

        drop("ascend-export-bad-rows.csv", csv.toString());
        Map<String, String> totals = auditNow();

        @SuppressWarnings("unchecked")
        List<String> badRows = (List<String>) attribute("ExportBadRowList");
        assertThat(badRows).containsExactly(
                "line 42: ContactId: record id 'NOT-AN-ID' has 9 characters; expected 15 or 18",
                "line 43: EmailOptOut is neither TRUE nor FALSE: Y",
                "line 44: has 2 column(s), the header has 3",
                "line 45: duplicate contact id " + ids.get(3) + ", first on line 5",
                "line 46: no ContactId");
        assertThat(attribute("ExportBadRows")).isEqualTo(5L);
        // The rest was audited: the flipped contact is the one disagreement; the listed-twice contact's first line counts.
        assertThat(attribute("Discrepancies")).isEqualTo(1L);
        assertThat(totals).containsEntry("SalesforceContacts", "40").containsEntry("AscendContacts", "40")
                .containsEntry("BAD_ROWS", "5").containsEntry("DISCREPANCIES", "1");
        List<String> report = reportLines();
        assertThat(report.get(0)).isEqualTo("Kind,Status,ContactId,SalesforceEmailOptOut,AscendEmailOptOut,AscendLine,Reason");
        assertThat(report).anySatisfy(line -> assertThat(line).startsWith(
                (org.get(flipped) ? "OPTED_OUT_IN_SALESFORCE_ONLY" : "OPTED_OUT_IN_ASCEND_ONLY") + ",CORRECTED," + flipped));
        assertThat(report.stream().filter(line -> line.startsWith("BAD_ROW,"))).containsExactly(
                "BAD_ROW,NOT_AUDITED,,,,42,\"ContactId: record id 'NOT-AN-ID' has 9 characters; expected 15 or 18"
                        + " [NOT-AN-ID,Bad Id,TRUE]\"",
                "BAD_ROW,NOT_AUDITED,,,,43,\"EmailOptOut is neither TRUE nor FALSE: Y [" + ids.get(1) + ",Bad Value,Y]\"",
                "BAD_ROW,NOT_AUDITED,,,,44,\"has 2 column(s), the header has 3 [" + ids.get(2) + ",TRUE]\"",
                "BAD_ROW,NOT_AUDITED,,,,45,\"duplicate contact id " + ids.get(3) + ", first on line 5\"",
                "BAD_ROW,NOT_AUDITED,,,,46,\"no ContactId [,No Id,TRUE]\"");
    }

    @Test
    void correctionModePutsSalesforcesValuesInTheNextBatchAndLeavesChangesInFlightAlone() throws Exception {
        Map<String, Boolean> org = salesforceValues();
        List<String> optedOut = org.keySet().stream().filter(org::get).toList();
        List<String> optedIn = org.keySet().stream().filter(id -> !org.get(id)).toList();
        String outInSalesforce = optedOut.get(0);
        String outInAscend = optedIn.get(0);
        String missingFromAscend = optedIn.get(1);
        String inFlight = optedIn.get(2);
        String unknownToSalesforce = SalesforceIds.toContactId18("003ZZ0000000001").orElseThrow();
        // A specialist opts a contact out just now: its change is on its way; CU Ascend's export predates it.
        salesforce.http().updateContact(inFlight, Map.of("HasOptedOutOfEmail", true));
        await().atMost(PATIENCE).until(() -> ledger.forContact(inFlight).stream()
                .anyMatch(change -> change.state() == ChangeState.READY));

        Map<String, Boolean> ascend = new LinkedHashMap<>(org);
        ascend.put(outInSalesforce, false);
        ascend.put(outInAscend, true);
        ascend.remove(missingFromAscend);
        ascend.put(unknownToSalesforce, true);
        drop("ascend-export.csv", export(ascend));
        auditNow();

        assertThat(attribute("OptedOutInSalesforceOnly")).isEqualTo(1L);
        assertThat(attribute("OptedOutInAscendOnly")).isEqualTo(1L);
        assertThat(attribute("InSalesforceOnly")).isEqualTo(1L);
        assertThat(attribute("InAscendOnly")).isEqualTo(1L);
        assertThat(attribute("InFlight")).isEqualTo(1L);
        assertThat(attribute("Corrected")).isEqualTo(3L);
        assertThat(attribute("Discrepancies")).isEqualTo(4L);
        assertThat(attribute("ExportUsed")).isEqualTo("ascend-export.csv");
        assertThat(ledger.forContact(inFlight)).noneMatch(change -> change.source() == ChangeSource.AUDIT);

        producer.requestBody("direct:ascend-deliver-now", (Object) null);

        Map<String, String> delivered = deliveredRows();
        assertThat(delivered).containsOnlyKeys(outInSalesforce, outInAscend, missingFromAscend, inFlight);
        assertThat(delivered.get(outInSalesforce)).isEqualTo("TRUE,OPT_OUT,AUDIT");
        assertThat(delivered.get(outInAscend)).isEqualTo("FALSE,OPT_IN,AUDIT");
        assertThat(delivered.get(missingFromAscend)).isEqualTo("FALSE,OPT_IN,AUDIT");
        assertThat(delivered.get(inFlight)).isEqualTo("TRUE,OPT_OUT,CDC");

        // CU Ascend has not sent a new export yet: auditing the same one again records no correction twice.
        long changes = ledger.count();
        auditNow();
        assertThat(ledger.count()).isEqualTo(changes);
    }

    @Test
    void aDeliveredReportIsRemovedFromTheStagingFolder() throws Exception {
        // A report passes through the staging folder too quickly for polling to see it there: a watch on the folder
        // records every file written into it, so the test shows the report was staged, not only that it is absent.
        Files.createDirectories(STAGING);
        try (WatchService watch = STAGING.getFileSystem().newWatchService()) {
            STAGING.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            drop("ascend-export-for-staging.csv", export(salesforceValues()));
            auditNow();

            String report = (String) attribute("LastReport");
            String totals = report.replace(".csv", "-totals.csv");
            assertThat(REPORTS.resolve(report)).as("delivered").exists();
            assertThat(REPORTS.resolve(totals)).as("delivered").exists();
            Set<String> staged = new HashSet<>();
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(created(watch, staged))
                    .as("files written in the staging folder").contains(report, totals));
            await().atMost(PATIENCE).until(() -> !Files.exists(STAGING.resolve(report))
                    && !Files.exists(STAGING.resolve(totals)));
        }
    }

    /** Adds the names of the files the watch has seen created since it was last asked to {@code names}. */
    private static Set<String> created(WatchService watch, Set<String> names) {
        for (WatchKey key = watch.poll(); key != null; key = watch.poll()) {
            key.pollEvents().stream().filter(event -> event.kind() == StandardWatchEventKinds.ENTRY_CREATE)
                    .forEach(event -> names.add(event.context().toString()));
            key.reset();
        }
        return names;
    }

    @Test
    void anExportWithoutTheRequiredColumnsIsMovedToTheFailedFolderWithADeadLetter() throws Exception {
        long letters = deadLetters.countOpen();

        drop("wrong-columns.csv", "Id,OptOut\r\n003000000000001AAA,TRUE\r\n");

        await().atMost(PATIENCE).until(() -> failedFiles().size() == 1);
        assertThat(failedFiles().get(0).getFileName().toString()).endsWith("wrong-columns.csv");
        assertThat((String) attribute("LatestExport")).startsWith("wrong-columns.csv REJECTED")
                .contains("lacks the column(s) ContactId and EmailOptOut");
        assertThat(deadLetters.countOpen()).isEqualTo(letters + 1);
        assertThat(deadLetters.open()).anySatisfy(letter -> {
            assertThat(letter.routeId()).isEqualTo("ascend-export-intake");
            assertThat(letter.reason()).contains("wrong-columns.csv rejected");
        });

        // The service keeps going: the next file is staged.
        drop("next.csv", export(salesforceValues()));
        await().atMost(PATIENCE).until(() -> ((String) attribute("LatestExport")).startsWith("next.csv STAGED"));
    }

    @Test
    void anExportOlderThanTheMaximumAgeIsNotAuditedAndTheOperatorAndTheWeeklyRunAreToldWhy() throws Exception {
        drop("stale.csv", export(salesforceValues()));
        await().atMost(PATIENCE).until(() -> ((String) attribute("LatestExport")).startsWith("stale.csv STAGED"));
        jdbc.update("update ascend_export set received_at = ? where file_name = 'stale.csv'",
                OffsetDateTime.now(ZoneOffset.UTC).minusDays(9));
        Object lastStarted = attribute("LastRunStarted");

        assertThat((String) platform.invoke(audit(), "runAuditNow", null, null))
                .startsWith("Not started: the newest CU Ascend export (stale.csv, received ")
                .contains("older than optout.audit.max-export-age (8 days)");
        producer.requestBodyAndHeader("direct:parity-audit", null, "auditTrigger", "SCHEDULE");

        assertThat(deadLetters.open()).anySatisfy(letter -> {
            assertThat(letter.routeId()).isEqualTo("parity-audit");
            assertThat(letter.reason()).startsWith("Parity audit not run: the newest CU Ascend export (stale.csv");
        });
        assertThat(attribute("LastRunStarted")).as("no audit ran").isEqualTo(lastStarted);
    }

    @Test
    void anUnwritableReportEndpointIsRetriedThenTheAuditFailsWithADeadLetterAndTheNextAuditWorks() throws Exception {
        drop("ascend-export-for-failure.csv", export(salesforceValues()));
        await().atMost(PATIENCE).until(() -> ((String) attribute("LatestExport")).startsWith("ascend-export-for-failure.csv STAGED"));
        Files.createDirectories(REPORTS.getParent());
        Files.deleteIfExists(REPORTS);
        Files.writeString(REPORTS, "a file where the report folder should be");
        long letters = deadLetters.countOpen();
        try {
            assertThat((String) platform.invoke(audit(), "runAuditNow", null, null)).startsWith("Parity audit started");
            await().atMost(PATIENCE).until(() -> "FAILED".equals(attribute("LastRunState")));
            assertThat((String) attribute("LastError")).isNotBlank();
            assertThat(deadLetters.open()).anySatisfy(letter -> assertThat(letter.routeId()).isEqualTo("parity-audit"));
            assertThat(deadLetters.countOpen()).isEqualTo(letters + 1);
        } finally {
            Files.delete(REPORTS);
        }
        auditNow();
        assertThat(attribute("LastRunState")).isEqualTo("REPORTED");
    }

    @Test
    void aReportThatCouldNotBeDeliveredIsDeliveredByReplayingItsDeadLetterAndThenLeavesTheStagingFolder()
            throws Exception {
        drop("ascend-export-for-replay.csv", export(salesforceValues()));
        await().atMost(PATIENCE).until(() -> ((String) attribute("LatestExport")).startsWith("ascend-export-for-replay.csv STAGED"));
        Files.createDirectories(REPORTS.getParent());
        Files.deleteIfExists(REPORTS);
        Files.writeString(REPORTS, "a file where the report folder should be");
        long auditId;
        DeadLetters.DeadLetter letter;
        String report;
        try {
            assertThat((String) platform.invoke(audit(), "runAuditNow", null, null)).startsWith("Parity audit started");
            await().atMost(PATIENCE).until(() -> "FAILED".equals(attribute("LastRunState")));
            auditId = jdbc.queryForObject("select max(id) from parity_audit", Long.class);
            letter = deadLetters.open().stream().filter(open -> ("parity_audit " + auditId).equals(open.payload()))
                    .findFirst().orElseThrow();
            report = jdbc.queryForObject("select report_file from parity_audit where id = ?", String.class, auditId);
            assertThat(letter.reason()).contains(report).contains("replay this letter to deliver it");
            assertThat(STAGING.resolve(report)).as("kept for the replay").exists();
        } finally {
            Files.delete(REPORTS);
        }

        DeadLetterService.Outcome replayed = deadLetterService.replay(letter.id());

        assertThat(replayed.resolved()).as(replayed.message()).isTrue();
        String totals = report.replace(".csv", "-totals.csv");
        assertThat(REPORTS.resolve(report)).exists();
        assertThat(REPORTS.resolve(totals)).exists();
        assertThat(STAGING.resolve(report)).as("removed once delivered").doesNotExist();
        assertThat(STAGING.resolve(totals)).as("removed once delivered").doesNotExist();
        assertThat(jdbc.queryForObject("select state from parity_audit where id = ?", String.class, auditId))
                .isEqualTo("REPORTED");
        assertThat(deadLetterService.replay(letter.id()).resolved()).as("replayed once").isFalse();
    }

    @Test
    void anAuditTakenAsAbandonedWhileItRanStopsWithADeadLetterInsteadOfReportingAndTheNextAuditWorks() throws Exception {
        drop("ascend-export-for-abandoned.csv", export(salesforceValues()));
        await().atMost(PATIENCE).until(() -> ((String) attribute("LatestExport")).startsWith("ascend-export-for-abandoned.csv STAGED"));
        long letters = deadLetters.countOpen();
        salesforce.http().holdBulkQueryJobs();
        long auditId;
        try {
            assertThat((String) platform.invoke(audit(), "runAuditNow", null, null)).startsWith("Parity audit started");
            auditId = await().atMost(PATIENCE).until(() -> jdbc.queryForList(
                    "select id from parity_audit where running_slot is not null", Long.class), ids -> ids.size() == 1).get(0);
            // What another instance does when it takes this audit as abandoned and starts the next one.
            jdbc.update("update parity_audit set state = 'FAILED', running_slot = null, error = 'abandoned' where id = ?",
                    auditId);
            jdbc.update("delete from audit_salesforce_value where audit_id = ?", auditId);
        } finally {
            salesforce.http().completeBulkQueryJobs();
        }

        await().atMost(PATIENCE).until(() -> deadLetters.countOpen() == letters + 1);
        assertThat(deadLetters.open()).anySatisfy(letter -> {
            assertThat(letter.routeId()).isEqualTo("parity-audit");
            assertThat(letter.reason()).startsWith("Parity audit " + auditId + " stops here: it was taken as abandoned");
        });
        assertThat(jdbc.queryForMap("select state, error, report_file from parity_audit where id = ?", auditId))
                .containsEntry("state", "FAILED").containsEntry("error", "abandoned").containsEntry("report_file", null);
        assertThat(reportFiles()).as("no report delivered").isEmpty();
        auditNow();
        assertThat(attribute("LastRunState")).isEqualTo("REPORTED");
        assertThat(deadLetters.countOpen()).as("tried once, not retried").isEqualTo(letters + 1);
    }

    // --- helpers

    private static List<Path> reportFiles() throws IOException {
        if (!Files.exists(REPORTS)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(REPORTS)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private Map<String, Boolean> salesforceValues() {
        Map<String, Boolean> values = new LinkedHashMap<>();
        for (Map<String, Object> contact : salesforce.http().allContacts()) {
            values.put((String) contact.get("Id"), Boolean.TRUE.equals(contact.get("HasOptedOutOfEmail")));
        }
        return values;
    }

    private static String export(Map<String, Boolean> values) {
        StringBuilder csv = new StringBuilder("ContactId,EmailOptOut\r\n");
        values.forEach((id, value) -> csv.append(id).append(',').append(value ? "TRUE" : "FALSE").append("\r\n"));
        return csv.toString();
    }

    /** Writes the file under a hidden name and renames it, as an uploader would. */
    private static void drop(String name, String content) throws IOException {
        Files.createDirectories(INBOUND);
        Path part = INBOUND.resolve(".part-" + name);
        Files.writeString(part, content, StandardCharsets.UTF_8);
        Files.move(part, INBOUND.resolve(name));
    }

    /** Waits for the dropped export to be staged, runs an audit over JMX and waits for its totals. */
    private Map<String, String> auditNow() throws Exception {
        await().atMost(PATIENCE).until(() -> inboundEmpty() && ((String) attribute("LatestExport")).contains("STAGED"));
        String before = String.valueOf(attribute("LastRunStarted"));
        assertThat((String) platform.invoke(audit(), "runAuditNow", null, null)).startsWith("Parity audit started");
        await().atMost(PATIENCE).until(() -> !before.equals(String.valueOf(attribute("LastRunStarted")))
                && "REPORTED".equals(attribute("LastRunState")));
        String report = (String) attribute("LastReport");
        Path totals = REPORTS.resolve(report.replace(".csv", "-totals.csv"));
        await().atMost(PATIENCE).until(() -> Files.exists(totals));
        Map<String, String> items = new LinkedHashMap<>();
        for (String line : Files.readAllLines(totals, StandardCharsets.UTF_8).subList(1, 15)) {
            String[] cells = line.split(",", 2);
            items.put(cells[0], cells[1]);
        }
        return items;
    }

    private static boolean inboundEmpty() throws IOException {
        try (Stream<Path> files = Files.list(INBOUND)) {
            return files.noneMatch(Files::isRegularFile);
        }
    }

    private List<String> reportLines() throws Exception {
        return Files.readAllLines(REPORTS.resolve((String) attribute("LastReport")), StandardCharsets.UTF_8);
    }

    private static List<Path> failedFiles() throws IOException {
        Path failed = INBOUND.resolve(".failed");
        if (!Files.exists(failed)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(failed)) {
            return files.toList();
        }
    }

    /** The batch files CU Ascend received: contact id to "EmailOptOut,Direction,Source". */
    private static Map<String, String> deliveredRows() throws IOException {
        Map<String, String> rows = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(ASCEND)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                assertThat(lines.get(0)).isEqualTo("ContactId,Email,EmailOptOut,ChangedAt,Direction,Source");
                for (String line : lines.subList(1, lines.size())) {
                    String[] cells = line.split(",");
                    rows.put(cells[0], cells[2] + "," + cells[4] + "," + cells[5]);
                }
            }
        }
        return rows;
    }

    private Object attribute(String name) throws Exception {
        return platform.getAttribute(audit(), name);
    }

    private static ObjectName audit() throws Exception {
        return new ObjectName("edu.cu.ecomm.optout:type=Audit");
    }
}
