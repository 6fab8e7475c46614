package edu.cu.ecomm.optout.benchmark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import edu.cu.ecomm.optout.emulator.salesforce.PubSubEmulator;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import edu.cu.ecomm.optout.support.EmulatedServiceProperties;
import org.flywaydb.core.Flyway;

/**
 * Intake and footprint, against one Salesforce emulator in this JVM holding a pre-published load of Contact
 * change events:
 * <ol>
 *   <li>the ceiling: {@link IntakeCeiling} (a bare counting {@code pubSubSubscribe} route) in its own JVM reads
 *       the whole load from EARLIEST;</li>
 *   <li>start-up: the service in its own JVM, resuming from a checkpoint just before one new change; time from
 *       launching the JVM to that change being in the ledger, then its resident memory once idle;</li>
 *   <li>throughput: the service again, on a fresh database whose checkpoint is before the first event of the
 *       load; time from the emulator sending the first event to the stored checkpoint reaching the last one,
 *       and the largest resident memory meanwhile.</li>
 * </ol>
 * Both the ceiling and the service JVMs run with the same heap cap.
 */
final class IntakeBenchmark {

    static final String TOPIC = PubSubEmulator.TOPIC;
    static final String SERVICE_MAIN = "edu.cu.ecomm.optout.OptOutSyncApplication";
    private static final String H2_OPTIONS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;DEFRAG_ALWAYS=TRUE";
    private static final Duration PATIENCE = Duration.ofMinutes(5);

    record Load(int events, int bulkEvery, int bulkSize) {
        long changes() {
            long bulk = bulkEvery > 0 ? events / bulkEvery : 0;
            return (events - bulk) + bulk * bulkSize;
        }
    }

    /**
     * @param cpuSeconds CPU time the measured JVM used meanwhile (user + system, all its threads)
     * @param emulatorCpuSeconds CPU time this JVM (the emulator serving the events) used meanwhile; 0 where the
     *        measured writer needs no emulator
     */
    record Rate(long events, long changes, double seconds, double cpuSeconds, double emulatorCpuSeconds) {
        double eventsPerSecond() {
            return events / seconds;
        }

        double changesPerSecond() {
            return changes / seconds;
        }

        /** CPU microseconds per event: what the work costs, whatever else the machine was doing. */
        double cpuMicrosPerEvent() {
            return cpuSeconds * 1e6 / events;
        }

        double emulatorCpuMicrosPerEvent() {
            return emulatorCpuSeconds * 1e6 / events;
        }
    }

    /**
     * @param ledgerBytesRunning the service's H2 ledger file once intake had caught up, while the service ran
     * @param ledgerBytesStopped the same file once the service had stopped (H2 rewrites it as it closes)
     */
    record Result(Load load, double publishSeconds, Rate ceiling, Rate storageBound, Rate service, long deadLetters,
                  double startupSeconds, long idleRssKib, long loadRssKib, long ledgerBytesRunning,
                  long ledgerBytesStopped) {

        /** The rate the target asks of the service. */
        double targetEventsPerSecond() {
            return TARGET_OF_CEILING * ceiling.eventsPerSecond();
        }

        /**
         * CPU microseconds per event the machine can give the service at the target rate: all its cores, less what
         * the emulator spends serving that many events (its CPU per event as measured while it served the ceiling).
         * A service that needs more CPU per event than this cannot reach the target here, however it is written.
         */
        double cpuMicrosPerEventAtTarget() {
            double cores = Runtime.getRuntime().availableProcessors();
            double emulatorCores = ceiling.emulatorCpuMicrosPerEvent() * targetEventsPerSecond() / 1e6;
            return (cores - emulatorCores) * 1e6 / targetEventsPerSecond();
        }
    }

    static final double TARGET_OF_CEILING = 0.5;

    private final Path workDir;
    private final Load load;
    private final String heap;

    IntakeBenchmark(Path workDir, Load load, String heap) {
        this.workDir = workDir;
        this.load = load;
        this.heap = heap;
    }

    Result run() throws Exception {
        try (SalesforceEmulator salesforce = SalesforceEmulator.onPorts(0, 0).start()) {
            PubSubEmulator pubSub = salesforce.pubSub();
            long start = System.nanoTime();
            long changes = pubSub.publishOptOutLoad(load.events(), load.bulkEvery(), load.bulkSize());
            double publishSeconds = seconds(start);
            long lastOfLoad = pubSub.publishedCount();
            log("published %,d events (%,d contact changes) in %.1f s", lastOfLoad, changes, publishSeconds);

            Rate ceiling = ceiling(salesforce, lastOfLoad, changes);
            log("ceiling: %,d events in %.2f s = %,.0f events/s; %.0f CPU us/event; the emulator %.0f CPU us/event",
                    ceiling.events(), ceiling.seconds(), ceiling.eventsPerSecond(), ceiling.cpuMicrosPerEvent(),
                    ceiling.emulatorCpuMicrosPerEvent());

            Rate storageBound = storageBound();
            log("storage bound (plain JDBC into the H2 ledger): %,d changes in %.2f s = %,.0f changes/s; %.0f CPU us/event",
                    storageBound.changes(), storageBound.seconds(), storageBound.changesPerSecond(),
                    storageBound.cpuMicrosPerEvent());

            Startup startup = startup(salesforce, lastOfLoad);
            log("start-up to first recorded change: %.2f s; idle RSS %,d KiB", startup.seconds(), startup.idleRssKib());

            Throughput throughput = throughput(salesforce, lastOfLoad);
            log("service: %,d events, %,d changes in %.2f s = %,.0f changes/s (%,.0f events/s); %.0f CPU us/event"
                    + " (the emulator %.0f); max RSS %,d KiB", throughput.rate().events(), throughput.rate().changes(),
                    throughput.rate().seconds(), throughput.rate().changesPerSecond(),
                    throughput.rate().eventsPerSecond(), throughput.rate().cpuMicrosPerEvent(),
                    throughput.rate().emulatorCpuMicrosPerEvent(), throughput.maxRssKib());
            log("service's ledger file: %,d MiB once intake had caught up, %,d MiB once the service had stopped",
                    throughput.ledgerBytesRunning() >> 20, throughput.ledgerBytesStopped() >> 20);
            return new Result(load, publishSeconds, ceiling, storageBound, throughput.rate(), throughput.deadLetters(),
                    startup.seconds(), startup.idleRssKib(), throughput.maxRssKib(), throughput.ledgerBytesRunning(),
                    throughput.ledgerBytesStopped());
        }
    }

    // --- the ceiling --------------------------------------------------------------------------------------------

    private Rate ceiling(SalesforceEmulator salesforce, long events, long changes) throws Exception {
        long delivered = salesforce.pubSub().deliveredCount();
        Process counter = new ProcessBuilder(JavaProcesses.javaExecutable(), "-Xmx" + heap, "-cp",
                JavaProcesses.fullClasspath(), IntakeCeiling.class.getName(), salesforce.loginUrl(),
                Integer.toString(salesforce.pubSubPort()), Long.toString(events))
                .redirectErrorStream(true).start();
        Path logFile = workDir.resolve("ceiling.log");
        AtomicLong countedAt = new AtomicLong();
        AtomicLong countedChanges = new AtomicLong(-1);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(counter.getInputStream(),
                    StandardCharsets.UTF_8)); var out = Files.newBufferedWriter(logFile)) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith(IntakeCeiling.COUNTED)) {
                        countedAt.set(System.nanoTime());
                        countedChanges.set(Long.parseLong(line.split(" ")[2]));
                    }
                    out.write(line);
                    out.newLine();
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "ceiling-output");
        reader.start();
        try {
            long firstSent = awaitNanos(() -> salesforce.pubSub().deliveredCount() > delivered, counter);
            long cpuBefore = JavaProcesses.cpuMillis(counter.pid());
            long emulatorCpuBefore = JavaProcesses.cpuMillis(ProcessHandle.current().pid());
            awaitNanos(() -> countedAt.get() != 0, counter);
            long cpuAfter = JavaProcesses.cpuMillis(counter.pid());
            long emulatorCpuAfter = JavaProcesses.cpuMillis(ProcessHandle.current().pid());
            if (countedChanges.get() != changes) {
                throw new IllegalStateException("the ceiling counted " + countedChanges.get() + " changes, expected "
                        + changes);
            }
            return new Rate(events, changes, (countedAt.get() - firstSent) / 1e9, (cpuAfter - cpuBefore) / 1e3,
                    (emulatorCpuAfter - emulatorCpuBefore) / 1e3);
        } finally {
            counter.waitFor(30, TimeUnit.SECONDS);
            counter.destroyForcibly();
            reader.join(5000);
        }
    }

    // --- the storage bound -------------------------------------------------------------------------------------

    private Rate storageBound() throws Exception {
        Path database = workDir.resolve("ledger-bound").resolve("ledger");
        Process writer = JavaProcesses.start(List.of("-Xmx" + heap), JavaProcesses.fullClasspath(),
                LedgerInsertBound.class.getName(), List.of(database.toString(), Integer.toString(load.events()),
                        Integer.toString(load.bulkEvery()), Integer.toString(load.bulkSize())), Map.of(),
                workDir.resolve("ledger-bound.log"));
        if (!writer.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS) || writer.exitValue() != 0) {
            writer.destroyForcibly();
            throw new IllegalStateException("the storage-bound writer failed; see ledger-bound.log");
        }
        for (String line : Files.readAllLines(workDir.resolve("ledger-bound.log"))) {
            if (line.startsWith(LedgerInsertBound.INSERTED)) {
                String[] figures = line.split(" ");
                return new Rate(Long.parseLong(figures[1]), Long.parseLong(figures[2]),
                        Double.parseDouble(figures[3]), Double.parseDouble(figures[4]), 0);
            }
        }
        throw new IllegalStateException("the storage-bound writer printed no result; see ledger-bound.log");
    }

    // --- the service --------------------------------------------------------------------------------------------

    private record Startup(double seconds, long idleRssKib) {
    }

    private record Throughput(Rate rate, long deadLetters, long maxRssKib, long ledgerBytesRunning,
                              long ledgerBytesStopped) {
    }

    private Startup startup(SalesforceEmulator salesforce, long checkpointSequence) throws Exception {
        Path dir = workDir.resolve("service-startup");
        Path database = dir.resolve("ledger");
        seed(database, checkpointSequence);
        // One opted-out contact created after the checkpoint: the change the service must record first.
        salesforce.http().createContact(Map.of("FirstName", "Start", "LastName", "Up", "Email",
                "start.up@example.edu", "HasOptedOutOfEmail", true));
        long launched = System.nanoTime();
        Process service = launchService(salesforce, database, dir.resolve("service.log"));
        try {
            awaitNanos(() -> Files.exists(lockFile(database)), service);
            long recorded;
            try (Connection db = connect(database)) {
                recorded = awaitNanos(() -> countOrZero(db, "select count(*) from contact_change") >= 1, service);
            }
            double startupSeconds = (recorded - launched) / 1e9;
            // Idle: started, caught up, nothing arriving.
            Thread.sleep(10_000);
            long idle = JavaProcesses.residentKib(service.pid()).orElse(-1);
            return new Startup(startupSeconds, idle);
        } finally {
            JavaProcesses.stop(service);
        }
    }

    private Throughput throughput(SalesforceEmulator salesforce, long lastOfLoad) throws Exception {
        Path dir = workDir.resolve("service-intake");
        Path database = dir.resolve("ledger");
        seed(database, 0);
        long delivered = salesforce.pubSub().deliveredCount();
        Process service = launchService(salesforce, database, dir.resolve("service.log"));
        AtomicLong maxRss = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> JavaProcesses.residentKib(service.pid())
                .ifPresent(rss -> maxRss.accumulateAndGet(rss, Math::max)), 0, 250, TimeUnit.MILLISECONDS);
        Rate rate;
        long deadLetters;
        long ledgerBytesRunning;
        try {
            long firstSent = awaitNanos(() -> salesforce.pubSub().deliveredCount() > delivered, service);
            long cpuBefore = JavaProcesses.cpuMillis(service.pid());
            long emulatorCpuBefore = JavaProcesses.cpuMillis(ProcessHandle.current().pid());
            awaitNanos(() -> Files.exists(lockFile(database)), service);
            try (Connection db = connect(database)) {
                long caughtUp = awaitNanos(() -> checkpointSequence(db) >= lastOfLoad, service, 50);
                long cpuAfter = JavaProcesses.cpuMillis(service.pid());
                long emulatorCpuAfter = JavaProcesses.cpuMillis(ProcessHandle.current().pid());
                double seconds = (caughtUp - firstSent) / 1e9;
                // The start-up marker (a CREATE after the load) may already be in; count the load's rows only.
                long changes = countOrZero(db, "select count(*) from contact_change where change_type = 'UPDATE'");
                deadLetters = countOrZero(db, "select count(*) from dead_letter where route_id = 'contact-changes'");
                rate = new Rate(lastOfLoad, changes, seconds, (cpuAfter - cpuBefore) / 1e3,
                        (emulatorCpuAfter - emulatorCpuBefore) / 1e3);
            }
            ledgerBytesRunning = Files.size(ledgerFile(database));
        } finally {
            sampler.shutdownNow();
            JavaProcesses.stop(service);
        }
        return new Throughput(rate, deadLetters, maxRss.get(), ledgerBytesRunning, Files.size(ledgerFile(database)));
    }

    private static Path ledgerFile(Path database) {
        return database.resolveSibling(database.getFileName() + ".mv.db");
    }

    private Process launchService(SalesforceEmulator salesforce, Path database, Path logFile) {
        Map<String, String> properties = new HashMap<>(EmulatedServiceProperties.forSalesforce(salesforce.httpPort(),
                salesforce.pubSubPort()));
        // Production defaults except for where the emulators are, and one: change-dispatch is paused (polls once
        // an hour), so the figure is intake's alone. Its opt-out flow reads every contact over REST, and the
        // load's synthetic contacts do not exist there; BENCHMARKS.md says what dispatch does under load.
        properties.put("optout.dispatch.poll-interval", System.getProperty("benchmark.intake.dispatch-poll-interval",
                "3600000"));
        properties.put("spring.datasource.url", url(database) + ";AUTO_SERVER=TRUE");
        properties.put("optout.routes-dir", Path.of("routes").toAbsolutePath().toString());
        // For experiments only, e.g. -Dbenchmark.service.properties=optout.intake.batch-size=50
        for (String property : System.getProperty("benchmark.service.properties", "").split(",")) {
            if (property.contains("=")) {
                properties.put(property.substring(0, property.indexOf('=')).trim(),
                        property.substring(property.indexOf('=') + 1).trim());
            }
        }
        List<String> jvmOptions = new java.util.ArrayList<>(List.of("-Xmx" + heap));
        // For profiling, e.g. -Dbenchmark.service.jvm-options=-XX:StartFlightRecording=filename=intake.jfr
        String extra = System.getProperty("benchmark.service.jvm-options", "").trim();
        if (!extra.isEmpty()) {
            jvmOptions.addAll(List.of(extra.split("\\s+")));
        }
        return JavaProcesses.start(jvmOptions, JavaProcesses.productionClasspath(), SERVICE_MAIN, List.of(),
                properties, logFile);
    }

    /** A migrated ledger whose checkpoint is the event with sequence {@code sequence} (0: before the first). */
    private static void seed(Path database, long sequence) throws SQLException {
        Flyway.configure().dataSource(url(database), "sa", "").locations("classpath:db/migration").load().migrate();
        try (Connection db = DriverManager.getConnection(url(database), "sa", "");
             PreparedStatement insert = db.prepareStatement("insert into replay_checkpoint"
                     + " (topic, replay_id, commit_timestamp, updated_at) values (?, ?, ?, ?)")) {
            insert.setString(1, TOPIC);
            insert.setString(2, PubSubEmulator.replayIdOf(sequence));
            insert.setTimestamp(3, Timestamp.from(Instant.now()));
            insert.setTimestamp(4, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
    }

    private static String url(Path database) {
        return "jdbc:h2:file:" + database.toAbsolutePath() + H2_OPTIONS;
    }

    private static Path lockFile(Path database) {
        return database.resolveSibling(database.getFileName() + ".lock.db");
    }

    /**
     * Connects to the ledger the service has open. Only once its lock file exists: H2's AUTO_SERVER makes the first
     * process to open a database its server, and that must be the service.
     */
    private static Connection connect(Path database) throws SQLException {
        return DriverManager.getConnection(url(database) + ";AUTO_SERVER=TRUE;IFEXISTS=TRUE", "sa", "");
    }

    private static long checkpointSequence(Connection db) {
        try (PreparedStatement query = db.prepareStatement("select replay_id from replay_checkpoint where topic = ?")) {
            query.setString(1, TOPIC);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? PubSubEmulator.sequenceOf(rs.getString(1)) : -1;
            }
        } catch (SQLException e) {
            return -1;
        }
    }

    /** A count, or 0 while the table does not exist yet (Flyway still migrating). */
    private static long countOrZero(Connection db, String sql) {
        try (PreparedStatement query = db.prepareStatement(sql); ResultSet rs = query.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return 0;
        }
    }

    private static long awaitNanos(BooleanSupplier condition, Process process) throws InterruptedException {
        return awaitNanos(condition, process, 1);
    }

    /** Polls {@code condition} every {@code pollMillis}; the {@link System#nanoTime()} at which it held. */
    private static long awaitNanos(BooleanSupplier condition, Process process, long pollMillis)
            throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the benchmarked JVM exited with " + process.exitValue()
                        + " before the benchmark finished; see its log under " + "target/benchmarks");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting after " + PATIENCE);
            }
            Thread.sleep(pollMillis);
        }
        return System.nanoTime();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static void log(String format, Object... args) {
        System.out.printf("[benchmark] " + format + "%n", args);
    }
}
