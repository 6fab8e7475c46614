package edu.cu.ecomm.optout.benchmark;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import edu.cu.ecomm.optout.intake.SalesforceIds;
import org.flywaydb.core.Flyway;

/**
 * The intake's storage bound, run as a JVM of its own by {@link BenchmarksMain} with the service's heap cap: the
 * same ledger rows the intake benchmark's events carry, written by plain JDBC into a fresh H2 file ledger (same
 * Flyway schema, same insert statement as {@code ChangeLedger}), 100 events per transaction with one checkpoint
 * update each, as the best a batching intake could do. No Camel, no Pub/Sub, no decoding.
 *
 * <p>Arguments: database file (without {@code .mv.db}), events, bulk-every, bulk-size, and for experiments the
 * DDL to run first (statements separated by {@code ;}, e.g. {@code drop index ix_contact_change_state}). Prints
 * {@code INSERTED <events> <rows> <seconds> <cpu seconds>}.
 */
public final class LedgerInsertBound {

    static final String INSERTED = "INSERTED";
    private static final int EVENTS_PER_TRANSACTION = 100;
    private static final String INSERT = """
            insert into contact_change (contact_id, opted_out, direction, change_type, commit_timestamp,
                commit_number, transaction_key, sequence_number, event_id, replay_id, change_origin,
                commit_user, source, state, recorded_at)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict do nothing
            """;

    private LedgerInsertBound() {
    }

    public static void main(String[] args) throws Exception {
        String url = "jdbc:h2:file:" + args[0] + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0";
        int events = Integer.parseInt(args[1]);
        int bulkEvery = Integer.parseInt(args[2]);
        int bulkSize = Integer.parseInt(args[3]);
        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration").load().migrate();
        if (args.length > 4) {
            // Experiments only: what each index of contact_change costs the writes (BENCHMARKS.md).
            try (Connection db = DriverManager.getConnection(url, "sa", "")) {
                for (String statement : args[4].split(";")) {
                    db.createStatement().execute(statement);
                }
            }
        }

        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long rows = 0;
        long contact = 0;
        try (Connection db = DriverManager.getConnection(url, "sa", "");
             PreparedStatement insert = db.prepareStatement(INSERT);
             PreparedStatement checkpoint = db.prepareStatement("merge into replay_checkpoint"
                     + " (topic, replay_id, commit_timestamp, updated_at) key (topic) values (?, ?, ?, ?)")) {
            db.setAutoCommit(false);
            long cpuStart = os.getProcessCpuTime();
            long start = System.nanoTime();
            for (int event = 1; event <= events; event++) {
                int size = bulkEvery > 0 && event % bulkEvery == 0 ? bulkSize : 1;
                String eventId = UUID.randomUUID().toString();
                String replayId = Base64.getEncoder().encodeToString(ByteBuffer.allocate(8).putLong(event).array());
                Timestamp now = Timestamp.from(Instant.now());
                for (int c = 0; c < size; c++) {
                    String contactId = SalesforceIds.toContactId18(String.format("003Bn%010d", contact++)).orElseThrow();
                    insert.setString(1, contactId);
                    insert.setBoolean(2, true);
                    insert.setString(3, "OPT_OUT");
                    insert.setString(4, "UPDATE");
                    insert.setTimestamp(5, now);
                    insert.setLong(6, event);
                    insert.setString(7, "bench-" + event);
                    insert.setInt(8, 1);
                    insert.setString(9, eventId);
                    insert.setString(10, replayId);
                    insert.setString(11, "com/salesforce/api/soap/64.0;client=DataLoaderBulkUI/");
                    insert.setString(12, "0059B0000000001AAA");
                    insert.setString(13, "CDC");
                    insert.setString(14, "RECEIVED");
                    insert.setTimestamp(15, now);
                    insert.addBatch();
                    rows++;
                }
                if (event % EVENTS_PER_TRANSACTION == 0 || event == events) {
                    insert.executeBatch();
                    checkpoint.setString(1, "/data/ContactChangeEvent");
                    checkpoint.setString(2, replayId);
                    checkpoint.setTimestamp(3, now);
                    checkpoint.setTimestamp(4, now);
                    checkpoint.executeUpdate();
                    db.commit();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
            System.out.println(INSERTED + " " + events + " " + rows + " " + seconds + " " + cpuSeconds);
        }
    }
}
