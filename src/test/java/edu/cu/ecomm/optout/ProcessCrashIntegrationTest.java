package edu.cu.ecomm.optout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import edu.cu.ecomm.optout.emulator.EmulatorsMain;
import edu.cu.ecomm.optout.ops.CrashPoints;
import edu.cu.ecomm.optout.support.EmulatedServiceProperties;
import edu.cu.ecomm.optout.support.JavaProcess;
import edu.cu.ecomm.optout.support.SalesforceRestClient;
import edu.cu.ecomm.optout.support.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The emulators run as one process, the service as another. While 2,000 Email Opt Out changes stream in
 * through Salesforce's REST API, the service is killed with SIGKILL three times — during intake (an event's
 * transaction open), while a batch file is being built, and between the upload and the marking — and started
 * again each time. After the next delivery, the batch files CU Ascend received hold every changed contact's
 * final Salesforce value, and no batch was marked delivered twice.
 */
class ProcessCrashIntegrationTest {

    private static final int CONTACTS = 600;
    private static final int CHANGES = 2_000;
    private static final int PER_TRANSACTION = 10;
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final Pattern DELIVERED = Pattern.compile("Batch (\\S+) delivered:");
    /** The emulators' lines naming the ports they bound (see EmulatorsMain). */
    private static final Pattern SALESFORCE_PORTS =
            Pattern.compile("Salesforce emulator: login URL http://[^:]+:(\\d+), Pub/Sub gRPC [^:]+:(\\d+)");
    private static final Pattern MARKETING_CLOUD_PORT =
            Pattern.compile("Marketing Cloud emulator: http://[^:]+:(\\d+)");

    private final Path work = Path.of("target", "crash-test", UUID.randomUUID().toString().substring(0, 8))
            .toAbsolutePath();
    private final List<JavaProcess> processes = new ArrayList<>();
    private JavaProcess emulators;
    private JavaProcess service;

    @AfterEach
    void stopAll() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
    }

    @Test
    void serviceKilledDuringIntakeBatchBuildingAndBeforeMarkingDeliversEveryFinalValueOnce() throws Exception {
        // The emulators bind ports the kernel picks and print them: a port found free here and handed over could be
        // taken by another socket before their process binds it.
        emulators = track(JavaProcess.start("emulators", EmulatorsMain.class, Map.of(
                "optout.emulator.salesforce.http-port", "0",
                "optout.emulator.salesforce.grpc-port", "0",
                "optout.emulator.marketing-cloud.port", "0",
                "optout.emulator.salesforce.seed-contacts", String.valueOf(CONTACTS),
                // A new org for every run: the default file under data/ would carry this run's org into the next.
                "optout.emulator.salesforce.saved-org", work.resolve("salesforce-org.ser").toString()), List.of(),
                work.resolve("emulators.log")));
        await().atMost(PATIENCE).until(() -> emulators.output().contains("Ctrl-C stops them."));
        int http = announcedPort(SALESFORCE_PORTS, 1);
        int grpc = announcedPort(SALESFORCE_PORTS, 2);
        int marketingCloud = announcedPort(MARKETING_CLOUD_PORT, 1);
        SalesforceRestClient specialist = new SalesforceRestClient("http://127.0.0.1:" + http);
        Map<String, Boolean> values = new ConcurrentHashMap<>(specialist.optOutValues());
        assertThat(values).hasSize(CONTACTS);

        Map<String, String> settings = new LinkedHashMap<>(EmulatedServiceProperties.forSalesforce(http, grpc));
        settings.putAll(EmulatedServiceProperties.forMarketingCloud(marketingCloud));
        settings.putAll(TestDatabases.properties(TestDatabases.newName()));
        Path outbox = work.resolve("outbox");
        settings.put("optout.ascend.endpoint", "file:" + outbox + "?tempPrefix=.part-");
        settings.put("optout.ascend.staging-dir", work.resolve("staging").toString());
        settings.put("optout.ascend.cron", "0/5 * * * * ?");
        settings.put("optout.ascend.retry.delay", "500");
        settings.put("optout.catch-up.poll-interval", "500");
        settings.put("optout.catch-up.settle", "PT2S");
        settings.put("optout.gap-requery.poll-interval", "500");
        settings.put("optout.initial-snapshot.poll-interval", "PT0.5S");
        settings.put("spring.main.banner-mode", "off");
        // Intake's line per recording event, which this test waits for.
        settings.put("logging.level.optout.intake", "DEBUG");
        // A killed run's claim on a batch, and its Quartz trigger, are taken over quickly.
        settings.put("optout.ascend.claim-lease", "PT5S");
        settings.put("spring.quartz.properties.org.quartz.jobStore.clusterCheckinInterval", "2000");

        // 1. Killed during intake: the 40th event's rows are written, its transaction is not committed.
        service = startService(settings, 1, Map.of(CrashPoints.PROPERTY, "intake", CrashPoints.AFTER_PROPERTY, "40"));
        Set<String> changed = ConcurrentHashMap.newKeySet();
        AtomicInteger made = new AtomicInteger();
        // A first start subscribes at the newest event: changes before its subscription is open are the initial
        // snapshot's, which cannot see a contact flipped and flipped back. Stream once intake records changes.
        String probe = new TreeMap<>(values).firstKey();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
            boolean next = !values.get(probe);
            specialist.setOptOut(probe, next);
            values.put(probe, next);
            changed.add(probe);
            made.incrementAndGet();
            return service.output().contains("Recorded 1 Email Opt Out change");
        });
        Thread changes = new Thread(() -> streamChanges(specialist, values, changed, made), "salesforce-changes");
        changes.start();
        killAt(service, "intake");

        // 2. Killed while building a batch file.
        service = startService(settings, 2, Map.of(CrashPoints.PROPERTY, "batch-building"));
        killAt(service, "batch-building");

        // 3. Killed after the upload, before the batch is marked delivered.
        service = startService(settings, 3, Map.of(CrashPoints.PROPERTY, "before-marking"));
        killAt(service, "before-marking");

        // 4. Runs to the end.
        service = startService(settings, 4, Map.of());
        changes.join(PATIENCE.toMillis());
        assertThat(made.get()).isGreaterThanOrEqualTo(CHANGES);
        Map<String, Boolean> finalValues = specialist.optOutValues();
        Map<String, Boolean> expected = new TreeMap<>();
        changed.forEach(id -> expected.put(id, finalValues.get(id)));

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(mismatches(deliveredValues(outbox), expected))
                        .as("contacts whose delivered value is not their final one").isEmpty());
        Map<String, Boolean> delivered = deliveredValues(outbox);
        assertThat(delivered.keySet()).as("only changed contacts are sent").isEqualTo(expected.keySet());
        // A file is uploaded before its batch is marked: wait for the marking of the newest one.
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(markings().keySet()).as("batches marked delivered")
                .isEqualTo(batchFiles(outbox).stream().map(f -> String.valueOf(batchNumber(f))).collect(Collectors.toSet())));
        assertThat(markings()).allSatisfy((batch, times) -> assertThat(times).as("markings of batch %s", batch).isEqualTo(1));
    }

    /** How often each batch id was marked delivered, over every run of the service. */
    private Map<String, Integer> markings() {
        Map<String, Integer> markings = new HashMap<>();
        for (JavaProcess run : processes.subList(1, processes.size())) {
            Matcher m = DELIVERED.matcher(run.output());
            while (m.find()) {
                markings.merge(m.group(1), 1, Integer::sum);
            }
        }
        return markings;
    }

    private JavaProcess startService(Map<String, String> settings, int run, Map<String, String> crashAt) {
        List<String> arguments = settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toList();
        return track(JavaProcess.start("service run " + run, OptOutSyncApplication.class, crashAt, arguments,
                work.resolve("service-" + run + ".log")));
    }

    private void killAt(JavaProcess process, String point) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(process.isAlive()).as("%s is alive", process).isTrue();
            return process.output().contains("CRASH-POINT " + point + " reached");
        });
        process.kill();
    }

    /**
     * 2,000 changes (with the probe's), ten contacts per transaction: each transaction flips ten contacts that share a value, so
     * contacts go back and forth and their final value is whatever the last flip left.
     */
    private static void streamChanges(SalesforceRestClient specialist, Map<String, Boolean> values, Set<String> changed,
                                      AtomicInteger made) {
        Random random = new Random(2026);
        List<String> ids = new ArrayList<>(new TreeMap<>(values).keySet());
        while (made.get() < CHANGES) {
            boolean from = random.nextBoolean();
            List<String> candidates = new ArrayList<>(ids.stream().filter(id -> values.get(id) == from).toList());
            Collections.shuffle(candidates, random);
            List<String> batch = candidates.subList(0, Math.min(Math.min(PER_TRANSACTION, CHANGES - made.get()),
                    candidates.size()));
            specialist.updateAll(batch, Map.of("HasOptedOutOfEmail", !from), null);
            batch.forEach(id -> values.put(id, !from));
            changed.addAll(batch);
            made.addAndGet(batch.size());
            try {
                Thread.sleep(60);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Contact id to "delivered value -> final value" where they differ or nothing was delivered. */
    private static Map<String, String> mismatches(Map<String, Boolean> delivered, Map<String, Boolean> expected) {
        Map<String, String> wrong = new TreeMap<>();
        expected.forEach((id, value) -> {
            if (!value.equals(delivered.get(id))) {
                wrong.put(id, delivered.get(id) + " -> " + value);
            }
        });
        return wrong;
    }

    /** Each contact's value in the last delivered batch file holding it (files in batch order). */
    private static Map<String, Boolean> deliveredValues(Path outbox) {
        Map<String, Boolean> values = new TreeMap<>();
        for (Path file : batchFiles(outbox)) {
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                List<String> header = List.of(lines.get(0).split(","));
                int id = header.indexOf("ContactId");
                int optOut = header.indexOf("EmailOptOut");
                for (String line : lines.subList(1, lines.size())) {
                    if (!line.isBlank()) {
                        String[] fields = line.split(",", -1);
                        values.put(fields[id].replace("\"", ""), "TRUE".equals(fields[optOut].replace("\"", "")));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return values;
    }

    /** Delivered batch files, oldest batch first (the batch id ends the name). */
    private static List<Path> batchFiles(Path outbox) {
        if (!Files.isDirectory(outbox)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(f -> f.getFileName().toString().matches("optout-.*-\\d+\\.csv"))
                    .sorted(Comparator.comparingLong(ProcessCrashIntegrationTest::batchNumber)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long batchNumber(Path file) {
        String name = file.getFileName().toString();
        return Long.parseLong(name.substring(name.lastIndexOf('-') + 1, name.length() - ".csv".length()));
    }

    private JavaProcess track(JavaProcess process) {
        processes.add(process);
        return process;
    }

    /** A port the emulators' process announced it listens on: {@code group} of {@code line} in its output. */
    private int announcedPort(Pattern line, int group) {
        Matcher announced = line.matcher(emulators.output());
        assertThat(announced.find()).as("%s in the emulators' output", line).isTrue();
        return Integer.parseInt(announced.group(group));
    }
}
