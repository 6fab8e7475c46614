package edu.cu.ecomm.optout.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Every benchmark of issue 8 in one run ({@code mvn -B -Pbenchmarks verify}), printing one table. Each figure is
 * measured in this run beside its baseline; nothing is carried over from earlier runs. Sizes can be changed with
 * system properties (see {@code pom.xml}, profile {@code benchmarks}).
 */
public final class BenchmarksMain {

    private BenchmarksMain() {
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        Path workDir = Path.of("target", "benchmarks", Long.toString(System.currentTimeMillis())).toAbsolutePath();
        Files.createDirectories(workDir);
        IntakeBenchmark.Load load = new IntakeBenchmark.Load(Integer.getInteger("benchmark.intake.events", 200_000),
                Integer.getInteger("benchmark.intake.bulk-every", 10), Integer.getInteger("benchmark.intake.bulk-size", 50));
        String serviceHeap = System.getProperty("benchmark.service.heap", "512m");
        int optIns = Integer.getInteger("benchmark.optin.contacts", 10_000);
        int optInBaseline = Integer.getInteger("benchmark.optin.baseline-contacts", 500);
        int batchRows = Integer.getInteger("benchmark.batch.rows", 1_000_000);
        String batchHeap = System.getProperty("benchmark.batch.heap", "256m");

        IntakeBenchmark.log("%s; %d processors; Java %s (%s); logs and databases in %s", Instant.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("java.vm.name"), workDir);
        // All by default; e.g. -Dbenchmark.sections=intake while profiling one of them.
        List<String> sections = List.of(System.getProperty("benchmark.sections", "intake,optin,batch").split(","));
        long start = System.nanoTime();
        IntakeBenchmark.Result intake = sections.contains("intake")
                ? new IntakeBenchmark(workDir, load, serviceHeap).run() : null;
        long intakeDone = System.nanoTime();
        OptInLookupBenchmark.Result lookups = sections.contains("optin")
                ? new OptInLookupBenchmark(optIns, optInBaseline).run() : null;
        long lookupsDone = System.nanoTime();
        NightlyBatchRun.Result batch = sections.contains("batch")
                ? new NightlyBatchRun(workDir, batchRows, batchHeap).run() : null;
        long batchDone = System.nanoTime();
        String durations = "intake and footprint %.0f s, opt-in look-ups %.0f s, nightly batch %.0f s".formatted(
                (intakeDone - start) / 1e9, (lookupsDone - intakeDone) / 1e9, (batchDone - lookupsDone) / 1e9);
        double total = (batchDone - start) / 1e9;

        String table = table(intake, serviceHeap, lookups, batch, batchRows, batchHeap, total, durations);
        System.out.println();
        System.out.println(table);
        Files.writeString(workDir.resolve("table.md"), table);
        deleteDatabases(workDir);
    }

    private static String table(IntakeBenchmark.Result intake, String serviceHeap, OptInLookupBenchmark.Result lookups,
                                NightlyBatchRun.Result batch, int batchRows, String batchHeap, double totalSeconds,
                                String durations) {
        List<String[]> rows = new ArrayList<>();
        if (intake != null) {
            intakeRow(rows, intake, serviceHeap);
        }
        if (lookups != null) {
            lookupRow(rows, lookups);
        }
        if (batch != null) {
            batchRow(rows, batch, batchRows, batchHeap);
        }
        if (intake != null) {
            footprintRows(rows, intake, serviceHeap);
        }

        StringBuilder out = new StringBuilder();
        out.append("| Benchmark | Measured | Baseline (same run) | Ratio | Target |\n");
        out.append("|---|---|---|---|---|\n");
        for (String[] row : rows) {
            out.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        out.append("\nWhole run: %.0f s (%s).\n".formatted(totalSeconds, durations));
        return out.toString();
    }

    private static void intakeRow(List<String[]> rows, IntakeBenchmark.Result intake, String serviceHeap) {
        IntakeBenchmark.Load load = intake.load();
        IntakeBenchmark.Rate service = intake.service();
        IntakeBenchmark.Rate ceiling = intake.ceiling();
        IntakeBenchmark.Rate bound = intake.storageBound();
        rows.add(new String[] {
                "1 Intake: %,d events (every %dth carries %d contacts; %,d changes), pre-published, heap %s"
                        .formatted(load.events(), load.bulkEvery(), load.bulkSize(), load.changes(), serviceHeap),
                ("real intake route (the service, H2 file ledger): %,.0f changes/s recorded (%,.0f events/s;"
                        + " %,d changes in %.1f s; %.0f CPU us/event; %d dead letters from intake)")
                        .formatted(service.changesPerSecond(), service.eventsPerSecond(), service.changes(),
                                service.seconds(), service.cpuMicrosPerEvent(), intake.deadLetters()),
                ("ceiling, bare pubSubSubscribe counter: %,.0f changes/s (%,.0f events/s; %.1f s; %.0f CPU us/event)."
                        + " Storage bound, same rows by plain JDBC, 100 events per transaction: %,.0f changes/s"
                        + " (%.1f s; %.0f CPU us/event)")
                        .formatted(ceiling.changesPerSecond(), ceiling.eventsPerSecond(), ceiling.seconds(),
                                ceiling.cpuMicrosPerEvent(), bound.changesPerSecond(), bound.seconds(),
                                bound.cpuMicrosPerEvent()),
                "%.2f of the ceiling; %.2f of the storage bound".formatted(
                        service.eventsPerSecond() / ceiling.eventsPerSecond(),
                        service.eventsPerSecond() / bound.eventsPerSecond()),
                (">= %.2f of the ceiling: %,.0f events/s, which leaves the service %.0f CPU us/event on this machine"
                        + " (%d cores, less the emulator's %.0f CPU us/event); the storage bound alone needs %.0f")
                        .formatted(IntakeBenchmark.TARGET_OF_CEILING, intake.targetEventsPerSecond(),
                                intake.cpuMicrosPerEventAtTarget(), Runtime.getRuntime().availableProcessors(),
                                ceiling.emulatorCpuMicrosPerEvent(), bound.cpuMicrosPerEvent())});
    }

    private static void lookupRow(List<String[]> rows, OptInLookupBenchmark.Result lookups) {
        OptInLookupBenchmark.Run batched = lookups.batched();
        OptInLookupBenchmark.Run oneByOne = lookups.oneByOne();
        rows.add(new String[] {
                "2 Opt-in look-ups: %,d opt-ins x %d business units".formatted(batched.optIns(), lookups.businessUnits()),
                "SubscriberStatusClient, 200 keys per Retrieve: %,d SOAP calls, %.2f s, %,.0f opt-ins/s (%,d statuses)"
                        .formatted(batched.soapCalls(), batched.seconds(), batched.optInsPerSecond(), batched.statuses()),
                "one key per Retrieve (%,d opt-ins): %,d SOAP calls, %.2f s, %,.0f opt-ins/s"
                        .formatted(oneByOne.optIns(), oneByOne.soapCalls(), oneByOne.seconds(),
                                oneByOne.optInsPerSecond()),
                "%.1fx".formatted(batched.optInsPerSecond() / oneByOne.optInsPerSecond()),
                "-"});
    }

    private static void batchRow(List<String[]> rows, NightlyBatchRun.Result batch, int batchRows, String batchHeap) {
        if (batch.complete()) {
            rows.add(new String[] {
                    "3 Nightly batch: %,d READY changes, heap %s".formatted(batchRows, batchHeap),
                    "claim + collapse + enrich + write: %,.0f rows/s (%.1f s; max RSS %,d MiB)"
                            .formatted(batch.batch().rowsPerSecond(), batch.batch().seconds(), batch.maxRssKib() / 1024),
                    "plain JDBC streaming read -> CSV: %,.0f rows/s (%.1f s)"
                            .formatted(batch.baseline().rowsPerSecond(), batch.baseline().seconds()),
                    "%.2f".formatted(batch.ratio()),
                    ">= 0.70"});
        } else {
            rows.add(new String[] {"3 Nightly batch: %,d READY changes, heap %s".formatted(batchRows, batchHeap),
                    batch.available() ? "FAILED (exit %d; see nightly-batch.log)".formatted(batch.exitCode())
                            : "not run: " + NightlyBatchRun.MAIN + " is not on this branch yet",
                    "-", "-", ">= 0.70"});
        }
    }

    private static void footprintRows(List<String[]> rows, IntakeBenchmark.Result intake, String serviceHeap) {
        rows.add(new String[] {"4 Start-up to first recorded change (JVM launch -> row in ledger)",
                "%.1f s".formatted(intake.startupSeconds()), "-", "-", "-"});
        rows.add(new String[] {"4 Resident memory (VmRSS) of the service JVM, heap %s".formatted(serviceHeap),
                "idle %,d MiB; under intake load (max) %,d MiB".formatted(intake.idleRssKib() / 1024,
                        intake.loadRssKib() / 1024), "-", "-", "-"});
        rows.add(new String[] {"4 Embedded ledger on disk (H2 file) after the intake run, %,d changes".formatted(
                intake.service().changes()),
                "%,d MiB while the service runs (%,.0f bytes per change); %,d MiB once it has stopped".formatted(
                        intake.ledgerBytesRunning() >> 20,
                        (double) intake.ledgerBytesRunning() / intake.service().changes(),
                        intake.ledgerBytesStopped() >> 20), "-", "-", "-"});
    }

    /**
     * Deletes the run's H2 databases (several GB: a durable embedded ledger grows while open), keeping the logs and
     * the table, unless {@code -Dbenchmark.keep-databases=true}.
     */
    private static void deleteDatabases(Path workDir) throws IOException {
        if (Boolean.getBoolean("benchmark.keep-databases")) {
            return;
        }
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".mv.db") || f.toString().endsWith(".trace.db"))
                    .toList()) {
                Files.delete(file);
            }
        }
    }
}
