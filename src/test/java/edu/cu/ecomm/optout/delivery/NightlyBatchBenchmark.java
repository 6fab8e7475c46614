package edu.cu.ecomm.optout.delivery;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Builds and writes one nightly batch of 1,000,000 READY changes (override with the first argument) in a fresh
 * H2 file database, beside a baseline measured in the same run: a plain JDBC streaming read of the same rows
 * written as CSV. Prints rows per second for both and their ratio (target: at least 0.7). Run it with the
 * JVM capped at 256 MB: {@code mvn -B -Pbenchmark-batch -DskipTests test}.
 *
 * <p>Enrichment: the real {@link ContactFieldLookup} runs (SOQL text for every 200 contacts, record maps back,
 * field extraction), answered in-process by a stand-in for Salesforce that derives each contact's Email from
 * its id, so the figure measures the service and not a network.
 */
public final class NightlyBatchBenchmark {

    private static final Pattern QUOTED_ID = Pattern.compile("'([A-Za-z0-9]{18})'");

    private NightlyBatchBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int contacts = Math.max(1, rows / 5);
        Path dir = Path.of("target", "benchmark-batch", Long.toString(System.currentTimeMillis()));
        Files.createDirectories(dir);
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("ledger") + DeliveryDatabase.H2_OPTIONS;
        System.out.printf("Nightly batch benchmark: %,d READY changes for %,d contacts, max heap %d MB, %s%n",
                rows, contacts, Runtime.getRuntime().maxMemory() / (1024 * 1024), dir);

        try (HikariDataSource dataSource = new HikariDataSource()) {
            dataSource.setJdbcUrl(url);
            dataSource.setUsername("sa");
            dataSource.setPassword("");
            dataSource.setMaximumPoolSize(2);
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();

            long start = System.nanoTime();
            // Setup only: load without the collapse index, then build it once (much faster than 1,000,000
            // random index inserts); the measured runs see exactly the migrated schema.
            new JdbcTemplate(dataSource).execute("drop index ix_contact_change_ready");
            insertReadyChanges(dataSource, rows, contacts);
            new JdbcTemplate(dataSource).execute("create index ix_contact_change_ready on contact_change"
                    + " (state, contact_id, commit_timestamp, sequence_number, id, opted_out, source)");
            System.out.printf("Inserted %,d READY changes in %.1f s%n", rows, seconds(start));

            // The baseline runs before and after the batch (the batch leaves the rows READY); the faster of
            // the two counts, so JIT warm-up does not flatter the ratio.
            Path baselineFile = dir.resolve("baseline.csv");
            double baselineSeconds = timed(() -> baseline(dataSource, baselineFile));

            JdbcTemplate jdbc = new JdbcTemplate(dataSource);
            TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
            Clock clock = Clock.systemUTC();
            BatchClaimer claimer = new BatchClaimer(jdbc, transactions, clock, Duration.ofMinutes(30),
                    () -> "this-node");
            ContactFieldLookup lookup = new ContactFieldLookup(NightlyBatchBenchmark::salesforce, "Email");
            BatchFileBuilder builder = new BatchFileBuilder(new BatchCollapser(dataSource, transactions), lookup,
                    new AscendCsvWriter(), jdbc, dir.resolve("staging"));

            start = System.nanoTime();
            AscendBatch batch = claimer.claim();
            double claimSeconds = seconds(start);
            BatchFileBuilder.BuiltBatch built = builder.build(batch);
            double batchSeconds = seconds(start);

            double secondBaselineSeconds = timed(() -> baseline(dataSource, baselineFile));
            double baselineRate = rows / Math.min(baselineSeconds, secondBaselineSeconds);
            double batchRate = built.changeCount() / batchSeconds;
            System.out.printf("Baseline  (JDBC streaming read -> CSV):          %,10d rows in %6.2f s and %6.2f s"
                    + " = %,10.0f rows/s (the faster run)%n", rows, baselineSeconds, secondBaselineSeconds,
                    baselineRate);
            System.out.printf("Batch     (claim + collapse + enrich + write):   %,10d rows in %6.2f s = %,10.0f rows/s"
                    + "  (claim %.2f s; %,d contacts in %s, sha256 %s)%n", built.changeCount(), batchSeconds,
                    batchRate, claimSeconds, built.rowCount(), built.csvName(), built.sha256().substring(0, 12));
            Runtime runtime = Runtime.getRuntime();
            System.out.printf("Heap in use after the run: %d MB of %d MB%n",
                    (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024), runtime.maxMemory() / (1024 * 1024));
            System.out.printf("Ratio batch/baseline: %.2f (target >= 0.70)%n", batchRate / baselineRate);
        }
        // A million rows leave gigabytes on disk: gone once measured, unless -Dbenchmark.keep-databases=true.
        if (!Boolean.getBoolean("benchmark.keep-databases")) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    /** Writes READY rows directly, as record + markReady leave them; contacts in random order. */
    private static void insertReadyChanges(HikariDataSource dataSource, int rows, int contacts) throws Exception {
        Random random = new Random(42);
        Instant midnight = Instant.parse("2026-11-26T07:00:00Z");
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into contact_change (contact_id, opted_out, direction, change_type, commit_timestamp,
                        commit_number, transaction_key, sequence_number, event_id, replay_id, change_origin,
                        commit_user, source, state, recorded_at)
                    values (?, ?, ?, 'UPDATE', ?, ?, ?, 1, ?, null, 'com/salesforce/api/rest/64.0',
                        '005000000000001AAA', 'CDC', 'READY', ?)
                    """)) {
                for (int i = 0; i < rows; i++) {
                    boolean optedOut = random.nextBoolean();
                    OffsetDateTime committed = midnight.plusMillis(random.nextInt(86_400_000)).atOffset(ZoneOffset.UTC);
                    insert.setString(1, DeliveryDatabase.contact(random.nextInt(contacts)));
                    insert.setBoolean(2, optedOut);
                    insert.setString(3, optedOut ? "OPT_OUT" : "OPT_IN");
                    insert.setObject(4, committed);
                    insert.setLong(5, i);
                    insert.setString(6, "tx-" + i);
                    insert.setString(7, "event-" + i);
                    insert.setObject(8, committed);
                    insert.addBatch();
                    if (i % 10_000 == 9_999) {
                        insert.executeBatch();
                        connection.commit();
                    }
                }
                insert.executeBatch();
                connection.commit();
            }
        }
    }

    /** The baseline: the same rows, streamed with a fetch size and written as CSV, nothing else. */
    private static long baseline(HikariDataSource dataSource, Path file) throws Exception {
        long rows = 0;
        try (Connection connection = dataSource.getConnection();
             BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            connection.setAutoCommit(false);
            try (Statement select = connection.createStatement()) {
                select.setFetchSize(BatchCollapser.FETCH_SIZE);
                try (ResultSet rs = select.executeQuery("select id, contact_id, opted_out, direction,"
                        + " commit_timestamp, source from contact_change where state = 'READY'")) {
                    out.write("Id,ContactId,EmailOptOut,ChangedAt,Direction,Source\r\n");
                    while (rs.next()) {
                        out.write(rs.getLong(1) + "," + rs.getString(2) + "," + (rs.getBoolean(3) ? "TRUE" : "FALSE")
                                + "," + rs.getObject(5, OffsetDateTime.class).toInstant() + "," + rs.getString(4)
                                + "," + rs.getString(6) + "\r\n");
                        rows++;
                    }
                }
            }
            connection.commit();
        }
        return rows;
    }

    /** Stands in for Salesforce's SOQL endpoint: every queried contact exists, with an Email from its id. */
    private static List<Map<String, Object>> salesforce(String soql) {
        List<Map<String, Object>> records = new ArrayList<>(ContactFieldLookup.MAX_IDS_PER_QUERY);
        Matcher ids = QUOTED_ID.matcher(soql);
        while (ids.find()) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("attributes", Map.of("type", "Contact"));
            record.put("Id", ids.group(1));
            record.put("Email", "c" + ids.group(1).substring(3, 15) + "@example.edu");
            records.add(record);
        }
        return records;
    }

    private interface Step {
        long run() throws Exception;
    }

    private static double timed(Step step) throws Exception {
        long start = System.nanoTime();
        long rows = step.run();
        if (rows <= 0) {
            throw new IllegalStateException("The baseline read no rows");
        }
        return seconds(start);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
