package edu.cu.ecomm.optout.benchmark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Forking the JVMs a benchmark measures, and reading their resident memory. */
final class JavaProcesses {

    private JavaProcesses() {
    }

    /** The benchmark's own class path: main and test classes with every dependency. */
    static String fullClasspath() {
        return System.getProperty("java.class.path");
    }

    /**
     * The service's class path: the benchmark's without the test classes, so the service JVM holds the production
     * code only (no emulator, no test configuration for a component scan to find).
     */
    static String productionClasspath() {
        return Arrays.stream(fullClasspath().split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).endsWith(Path.of("target", "test-classes")))
                .collect(Collectors.joining(File.pathSeparator));
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Starts {@code mainClass} in a new JVM, standard output and error appended to {@code log}.
     *
     * @param properties passed as {@code --key=value} arguments after {@code arguments}, as Spring Boot reads them
     */
    static Process start(List<String> jvmOptions, String classpath, String mainClass, List<String> arguments,
                         Map<String, String> properties, Path log) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(arguments);
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        try {
            Files.createDirectories(log.getParent());
            return new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + mainClass, e);
        }
    }

    /** Asks the JVM to stop (SIGTERM: Spring closes the context) and waits; kills it if it will not. */
    static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /**
     * CPU time (user + system) a process has used so far, in milliseconds, from {@code /proc/<pid>/stat} (clock
     * ticks of 10 ms); -1 when not available.
     */
    static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // After the command: state(0) ... utime(11) stime(12), in ticks of 1/100 s.
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** {@code VmRSS} of a process from {@code /proc/<pid>/status}, in KiB; empty when not available. */
    static OptionalLong residentKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException | RuntimeException e) {
            // process gone, or not Linux
        }
        return OptionalLong.empty();
    }
}
