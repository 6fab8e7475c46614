package edu.cu.ecomm.optout.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The delivery issue's nightly batch benchmark ({@code edu.cu.ecomm.optout.delivery.NightlyBatchBenchmark}: builds
 * and writes a batch of 1,000,000 READY changes beside a plain JDBC streaming baseline) in a JVM of its own capped
 * at 256 MB, its figures read from what it prints.
 */
final class NightlyBatchRun {

    static final String MAIN = "edu.cu.ecomm.optout.delivery.NightlyBatchBenchmark";
    private static final Pattern ROWS = Pattern.compile("([\\d,]+) rows in");
    private static final Pattern RATE = Pattern.compile("=\\s+([\\d,]+) rows/s");

    record Figures(long rows, double seconds, double rowsPerSecond) {
    }

    record Result(boolean available, int exitCode, Figures baseline, Figures batch, long maxRssKib) {
        double ratio() {
            return batch.rowsPerSecond() / baseline.rowsPerSecond();
        }

        boolean complete() {
            return available && exitCode == 0 && baseline != null && batch != null;
        }
    }

    private final Path workDir;
    private final int rows;
    private final String heap;

    NightlyBatchRun(Path workDir, int rows, String heap) {
        this.workDir = workDir;
        this.rows = rows;
        this.heap = heap;
    }

    static boolean available() {
        try {
            Class.forName(MAIN, false, NightlyBatchRun.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    Result run() throws Exception {
        if (!available()) {
            return new Result(false, -1, null, null, -1);
        }
        Path logFile = workDir.resolve("nightly-batch.log");
        Process batch = JavaProcesses.start(List.of("-Xmx" + heap,
                        "-Dbenchmark.keep-databases=" + Boolean.getBoolean("benchmark.keep-databases")),
                JavaProcesses.fullClasspath(), MAIN,
                List.of(Integer.toString(rows)), Map.of(), logFile);
        long maxRss = 0;
        while (!batch.waitFor(250, TimeUnit.MILLISECONDS)) {
            maxRss = Math.max(maxRss, JavaProcesses.residentKib(batch.pid()).orElse(0));
        }
        List<String> output = Files.readAllLines(logFile);
        output.forEach(line -> System.out.println("  | " + line));
        return new Result(true, batch.exitValue(), figures(output, "Baseline").orElse(null),
                figures(output, "Batch").orElse(null), maxRss);
    }

    /** From a line such as {@code Batch (…): 1,000,000 rows in 4.08 s = 245,158 rows/s (…)}. */
    private static Optional<Figures> figures(List<String> output, String prefix) {
        for (String line : output) {
            Matcher rows = ROWS.matcher(line);
            Matcher rate = RATE.matcher(line);
            if (line.startsWith(prefix) && rows.find() && rate.find()) {
                long count = Long.parseLong(rows.group(1).replace(",", ""));
                double perSecond = Double.parseDouble(rate.group(1).replace(",", ""));
                return Optional.of(new Figures(count, count / perSecond, perSecond));
            }
        }
        return Optional.empty();
    }
}
