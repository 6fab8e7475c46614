package edu.cu.ecomm.optout.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import edu.cu.ecomm.optout.support.JavaProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default database keeps every commit when the process is killed. H2 has no redo log: by default it
 * writes committed changes to its file half a second later (WRITE_DELAY), so a kill lost the last half second of
 * recorded changes, checkpoints and delivery markings. The URL in application.yaml must turn that delay off.
 */
class EmbeddedLedgerDurabilityTest {

    private static final Pattern DEFAULT_URL = Pattern.compile("url: \\$\\{OPTOUT_DB_URL:(jdbc:h2:file:[^;]+)(;[^}]*)}");
    private static final Pattern COMMITTED = Pattern.compile("COMMITTED (\\d+)");

    @Test
    void everyCommitReportedBeforeAKillIsStillThereAfterIt(@TempDir Path work) throws Exception {
        String url = "jdbc:h2:file:" + work.resolve("ledger") + productionOptions();
        try (Connection db = DriverManager.getConnection(url, "sa", "")) {
            db.createStatement().execute("create table committed (n bigint primary key)");
        }
        try (JavaProcess writer = JavaProcess.start("committing writer", CommitForever.class, Map.of(),
                List.of(url), work.resolve("writer.log"))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> lastCommitted(writer.output()) >= 200);
            writer.kill();
            long reported = lastCommitted(writer.output());
            try (Connection db = DriverManager.getConnection(url, "sa", "");
                 ResultSet rows = db.createStatement().executeQuery("select count(*) from committed")) {
                rows.next();
                assertThat(rows.getLong(1)).as("rows after the kill; the writer reported %d committed", reported)
                        .isGreaterThanOrEqualTo(reported);
            }
        }
    }

    /** The options of the default H2 URL in the top-level application.yaml, as the service runs with them. */
    static String productionOptions() throws Exception {
        Matcher url = DEFAULT_URL.matcher(Files.readString(Path.of("application.yaml"), StandardCharsets.UTF_8));
        assertThat(url.find()).as("the default H2 URL in application.yaml").isTrue();
        return url.group(2);
    }

    private static long lastCommitted(String output) {
        Matcher m = COMMITTED.matcher(output);
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    /** Commits one row at a time, and says so after each commit, until it is killed. */
    public static final class CommitForever {

        public static void main(String[] args) throws Exception {
            try (Connection db = DriverManager.getConnection(args[0], "sa", "")) {
                Statement statement = db.createStatement();
                db.setAutoCommit(false);
                for (long n = 1; ; n++) {
                    statement.execute("insert into committed values (" + n + ")");
                    db.commit();
                    System.out.println("COMMITTED " + n);
                }
            }
        }
    }
}
