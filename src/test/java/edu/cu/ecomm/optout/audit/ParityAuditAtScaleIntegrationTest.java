package edu.cu.ecomm.optout.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import edu.cu.ecomm.optout.OptOutSyncApplication;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.intake.SalesforceIds;
import edu.cu.ecomm.optout.support.EmulatedServiceProperties;
import edu.cu.ecomm.optout.support.JavaProcess;
import edu.cu.ecomm.optout.support.ServiceIntegrationTest;
import edu.cu.ecomm.optout.support.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An org of 100,000 contacts; CU Ascend's export disagrees on 1% of them in each of the four ways. The service runs
 * in a JVM of its own with a 256 MB heap, against the Salesforce emulator in this JVM: the export is dropped into
 * its inbound folder, the audit is run over remote JMX as an operator would, and the report must name exactly the
 * seeded contacts, kind by kind, with the right totals.
 */
class ParityAuditAtScaleIntegrationTest {

    private static final int CONTACTS = 100_000;
    private static final int PER_KIND = CONTACTS / 100;
    private static final String HEAP = "256m";
    private static final Duration PATIENCE = Duration.ofMinutes(4);

    private final Path work = Path.of("target", "parity-audit-scale", UUID.randomUUID().toString().substring(0, 8))
            .toAbsolutePath();
    private SalesforceEmulator salesforce;
    private JavaProcess service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        if (salesforce != null) {
            salesforce.stop();
        }
    }

    @Test
    void anAuditOfAHundredThousandContactsWithOnePercentOfEachKindOfDisagreementReportsExactlyThoseWithin256Mb()
            throws Exception {
        salesforce = SalesforceEmulator.onPorts(0, 0).start();
        int http = salesforce.httpPort();
        int grpc = salesforce.pubSubPort();
        salesforce.http().seedContacts(CONTACTS, 2026);
        Map<String, Boolean> org = new LinkedHashMap<>();
        for (Map<String, Object> contact : salesforce.http().allContacts()) {
            org.put((String) contact.get("Id"), Boolean.TRUE.equals(contact.get("HasOptedOutOfEmail")));
        }
        assertThat(org).hasSize(CONTACTS);

        // 1% of each kind, taken from different contacts.
        Map<DiscrepancyKind, Set<String>> expected = new EnumMap<>(DiscrepancyKind.class);
        List<String> optedOut = new ArrayList<>(org.keySet().stream().filter(org::get).toList());
        List<String> optedIn = new ArrayList<>(org.keySet().stream().filter(id -> !org.get(id)).toList());
        expected.put(DiscrepancyKind.OPTED_OUT_IN_SALESFORCE_ONLY, new TreeSet<>(optedOut.subList(0, PER_KIND)));
        expected.put(DiscrepancyKind.OPTED_OUT_IN_ASCEND_ONLY, new TreeSet<>(optedIn.subList(0, PER_KIND)));
        expected.put(DiscrepancyKind.IN_SALESFORCE_ONLY, new TreeSet<>(optedIn.subList(PER_KIND, 2 * PER_KIND)));
        Set<String> ascendOnly = new TreeSet<>();
        for (int i = 0; i < PER_KIND; i++) {
            ascendOnly.add(SalesforceIds.toContactId18(String.format("003AS%010d", i)).orElseThrow());
        }
        expected.put(DiscrepancyKind.IN_ASCEND_ONLY, ascendOnly);

        Path inbound = work.resolve("inbound");
        Path reports = work.resolve("reports");
        Files.createDirectories(inbound);
        startService(http, grpc, inbound, reports);
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() -> {
            assertThat(service.isAlive()).as("%s is alive", service).isTrue();
            return service.output().contains("Initial snapshot: " + CONTACTS + " contact(s) read");
        });

        Path export = work.resolve(".part-ascend-export.csv");
        try (var out = Files.newBufferedWriter(export, StandardCharsets.UTF_8)) {
            out.write("ContactId,LastName,EmailOptOut\r\n");
            for (Map.Entry<String, Boolean> contact : org.entrySet()) {
                String id = contact.getKey();
                if (expected.get(DiscrepancyKind.IN_SALESFORCE_ONLY).contains(id)) {
                    continue;
                }
                boolean value = contact.getValue();
                if (expected.get(DiscrepancyKind.OPTED_OUT_IN_SALESFORCE_ONLY).contains(id)
                        || expected.get(DiscrepancyKind.OPTED_OUT_IN_ASCEND_ONLY).contains(id)) {
                    value = !value;
                }
                out.write(id + ",Alum," + (value ? "TRUE" : "FALSE") + "\r\n");
            }
            for (String id : ascendOnly) {
                out.write(id + ",Gone," + "TRUE\r\n");
            }
        }
        Files.move(export, inbound.resolve("ascend-export.csv"));

        try (JMXConnector jmx = connect(jmxPort)) {
            MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
            ObjectName audit = new ObjectName("edu.cu.ecomm.optout:type=Audit");
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                    .until(() -> String.valueOf(mbeans.getAttribute(audit, "LatestExport")).startsWith("ascend-export.csv STAGED"));

            long started = System.nanoTime();
            assertThat((String) mbeans.invoke(audit, "runAuditNow", null, null)).startsWith("Parity audit started");
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
                assertThat(service.isAlive()).as("%s is alive", service).isTrue();
                Object state = mbeans.getAttribute(audit, "LastRunState");
                assertThat(state).isNotEqualTo("FAILED");
                return "REPORTED".equals(state);
            });
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            // The live heap after the audit (a full GC first); the cap itself is what the test is about.
            ObjectName memory = new ObjectName("java.lang:type=Memory");
            mbeans.invoke(memory, "gc", null, null);
            long liveHeap = (Long) ((javax.management.openmbean.CompositeData) mbeans.getAttribute(memory,
                    "HeapMemoryUsage")).get("used");
            System.out.printf("Parity audit of %,d contacts with -Xmx%s: %d ms (report %s); live heap after it %d MB%n",
                    CONTACTS, HEAP, took.toMillis(), mbeans.getAttribute(audit, "LastReport"), liveHeap / (1024 * 1024));

            assertThat(mbeans.getAttribute(audit, "OptedOutInSalesforceOnly")).isEqualTo((long) PER_KIND);
            assertThat(mbeans.getAttribute(audit, "OptedOutInAscendOnly")).isEqualTo((long) PER_KIND);
            assertThat(mbeans.getAttribute(audit, "InSalesforceOnly")).isEqualTo((long) PER_KIND);
            assertThat(mbeans.getAttribute(audit, "InAscendOnly")).isEqualTo((long) PER_KIND);
            assertThat(mbeans.getAttribute(audit, "Discrepancies")).isEqualTo(4L * PER_KIND);
            assertThat(mbeans.getAttribute(audit, "SalesforceContacts")).isEqualTo((long) CONTACTS);
            assertThat(mbeans.getAttribute(audit, "ExportBadRows")).isEqualTo(0L);

            String report = (String) mbeans.getAttribute(audit, "LastReport");
            Path totals = reports.resolve(report.replace(".csv", "-totals.csv"));
            await().atMost(PATIENCE).until(() -> Files.exists(totals));
            Map<DiscrepancyKind, Set<String>> reported = new EnumMap<>(DiscrepancyKind.class);
            List<String> lines = Files.readAllLines(reports.resolve(report), StandardCharsets.UTF_8);
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",", -1);
                assertThat(cells[1]).as("status of %s", line).isEqualTo("OPEN");
                reported.computeIfAbsent(DiscrepancyKind.valueOf(cells[0]), kind -> new TreeSet<>()).add(cells[2]);
            }
            assertThat(reported).isEqualTo(expected);
            Map<String, String> items = new HashMap<>();
            for (String line : Files.readAllLines(totals, StandardCharsets.UTF_8)) {
                String[] cells = line.split(",", 2);
                items.put(cells[0], cells[1]);
            }
            for (DiscrepancyKind kind : DiscrepancyKind.values()) {
                assertThat(items).containsEntry(kind.name(), String.valueOf(PER_KIND));
            }
            assertThat(items).containsEntry("DISCREPANCIES", String.valueOf(4 * PER_KIND))
                    .containsEntry("SalesforceContacts", String.valueOf(CONTACTS))
                    .containsEntry("AscendContacts", String.valueOf(CONTACTS))
                    .containsEntry("IN_FLIGHT", "0").containsEntry("HELD", "0").containsEntry("CORRECTED", "0");
        }
        assertThat(service.output()).doesNotContain("OutOfMemoryError");
    }

    private int jmxPort;

    /**
     * The service's JVM is told its remote JMX port in advance (registry and connector share it, and 0 turns remote
     * JMX off), so the port is one found free here. Should another socket take it before that JVM binds it, the JVM
     * stops at start-up and is started again on another port.
     */
    private void startService(int http, int grpc, Path inbound, Path reports) throws IOException {
        for (int attempt = 1; ; attempt++) {
            JavaProcess process = startService(http, grpc, inbound, reports, ServiceIntegrationTest.freePort(), attempt);
            service = process;
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                    .until(() -> !process.isAlive() || process.output().contains("Remote JMX listening on"));
            if (process.isAlive() || attempt == 3 || !process.output().contains("Port already in use")) {
                return;
            }
        }
    }

    private JavaProcess startService(int http, int grpc, Path inbound, Path reports, int jmxPort, int attempt)
            throws IOException {
        this.jmxPort = jmxPort;
        Path passwords = work.resolve("jmxremote.password");
        Path access = work.resolve("jmxremote.access");
        Files.writeString(passwords, "operator " + JMX_PASSWORD + "\n");
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(access, "operator readwrite\n");
        Map<String, String> settings = new LinkedHashMap<>(EmulatedServiceProperties.forSalesforce(http, grpc));
        settings.putAll(TestDatabases.properties(TestDatabases.newName()));
        settings.put("optout.jmx.remote.port", String.valueOf(jmxPort));
        settings.put("optout.jmx.remote.host", "127.0.0.1");
        settings.put("optout.jmx.remote.password-file", passwords.toString());
        settings.put("optout.jmx.remote.access-file", access.toString());
        settings.put("optout.audit.inbound", "file:" + inbound);
        settings.put("optout.audit.inbound-settle", "200");
        settings.put("optout.audit.endpoint", "file:" + reports);
        settings.put("optout.audit.staging-dir", work.resolve("audit-staging").toString());
        settings.put("optout.audit.salesforce.poll-interval", "PT0.2S");
        settings.put("optout.audit.retry.maximum-redeliveries", "0");
        settings.put("optout.ascend.staging-dir", work.resolve("ascend-staging").toString());
        settings.put("optout.ascend.endpoint", "file:" + work.resolve("ascend"));
        settings.put("spring.main.banner-mode", "off");
        List<String> arguments = settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toList();
        return JavaProcess.start("service", OptOutSyncApplication.class, HEAP, Map.of(), arguments,
                work.resolve("service-" + attempt + ".log"));
    }

    private static final String JMX_PASSWORD = UUID.randomUUID().toString();

    private static JMXConnector connect(int port) {
        JMXServiceURL url;
        try {
            url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> env = Map.of(JMXConnector.CREDENTIALS, new String[] {"operator", JMX_PASSWORD});
        JMXConnector[] connector = new JMXConnector[1];
        await().atMost(PATIENCE).ignoreExceptions().until(() -> {
            connector[0] = JMXConnectorFactory.connect(url, env);
            return true;
        });
        return connector[0];
    }
}
