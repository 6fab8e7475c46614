package edu.cu.ecomm.optout.audit;

import static edu.cu.ecomm.optout.audit.AuditDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import edu.cu.ecomm.optout.ledger.DeadLetterService;
import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The route ascend-export-intake of {@code routes/audit.camel.yaml} on a folder inbound, in a plain Camel context
 * over the staging bean and a database that can be taken away: where the file ends up when staging fails, and what
 * the replay of its dead letter does.
 */
class AscendExportIntakeRouteTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @AutoClose
    private final AuditDatabase db = new AuditDatabase();
    /** The database as the route's beans see it: refusing every connection while {@link #databaseDown} is set. */
    private final AtomicBoolean databaseDown = new AtomicBoolean();
    private final AtomicInteger refusedConnections = new AtomicInteger();
    private final DelegatingDataSource database = new DelegatingDataSource(db.dataSource) {
        @Override
        public Connection getConnection() throws SQLException {
            if (databaseDown.get()) {
                refusedConnections.incrementAndGet();
                throw new SQLTransientConnectionException("database away");
            }
            return super.getConnection();
        }
    };
    private final JdbcTemplate jdbc = new JdbcTemplate(database);
    private final DeadLetters deadLetters = new DeadLetters(jdbc, db.clock);
    private final AscendExports exports = new AscendExports(jdbc,
            new TransactionTemplate(new DataSourceTransactionManager(database)), deadLetters, db.clock, "ContactId",
            "EmailOptOut", 3, 3, Duration.ofMinutes(30));
    private final CamelContext camel = new DefaultCamelContext();

    @TempDir
    Path inbound;

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void aFileThatCannotBeStagedWhileTheDatabaseIsAwayStaysInTheInboundAndIsStagedOnceItIsBack() throws Exception {
        databaseDown.set(true);
        start();

        drop("export.csv", "ContactId,EmailOptOut\n" + contact(1) + ",TRUE\n");
        // The first round of attempts, the dead letter's write included, is over once the file is read again.
        await().atMost(PATIENCE).until(() -> !failedFiles().isEmpty() || pickedUpAgain());
        // Stopping waits for the round under way, so the database comes back between rounds, not in one.
        camel.getRouteController().stopRoute("ascend-export-intake");

        assertThat(failedFiles()).as("no file in .failed without a dead letter that says so").isEmpty();
        assertThat(inbound.resolve("export.csv")).as("left where it was").exists();
        assertThat(db.deadLetters.countOpen()).isZero();

        databaseDown.set(false);
        camel.getRouteController().startRoute("ascend-export-intake");
        await().atMost(PATIENCE).until(() -> db.exports.newestStaged().isPresent() && doneFiles().size() == 1);
        assertThat(db.exports.newestStaged()).hasValueSatisfying(export -> {
            assertThat(export.fileName()).isEqualTo("export.csv");
            assertThat(export.values()).isEqualTo(1);
        });
        assertThat(inbound.resolve("export.csv")).doesNotExist();
        assertThat(failedFiles()).isEmpty();
    }

    @Test
    void aFileThatCouldNotBeStagedGoesToTheFailedFolderWithADeadLetterThatNamesIt() throws Exception {
        exportTableAway();
        start();

        drop("export.csv", "ContactId,EmailOptOut\n" + contact(1) + ",TRUE\n");

        await().atMost(PATIENCE).until(() -> failedFiles().size() == 1);
        String failedAs = failedFiles().get(0).getFileName().toString();
        assertThat(failedAs).matches("\\d{8}-\\d{6}-export\\.csv");
        assertThat(db.deadLetters.open()).singleElement().satisfies(letter -> {
            assertThat(letter.routeId()).isEqualTo("ascend-export-intake");
            assertThat(letter.payload()).isEqualTo(failedAs);
            assertThat(letter.reason()).startsWith("CU Ascend export export.csv could not be staged: ")
                    .endsWith("; the file is kept as .failed/" + failedAs + ": once the cause is fixed, replay this"
                            + " letter to move it back to the inbound (by hand when the inbound is not a folder)");
        });
    }

    @Test
    void replayingTheLetterOfAnExportThatCouldNotBeStagedMovesTheFileBackAndItIsStaged() throws Exception {
        exportTableAway();
        start();
        drop("export.csv", "ContactId,EmailOptOut\n" + contact(1) + ",TRUE\n" + contact(2) + ",FALSE\n");
        await().atMost(PATIENCE).until(() -> failedFiles().size() == 1 && db.deadLetters.countOpen() == 1);
        DeadLetter letter = db.deadLetters.open().get(0);
        exportTableBack();

        DeadLetterService.Outcome replayed = new DeadLetterService(db.deadLetters,
                List.of(new AscendExportReplay("file:" + inbound))).replay(letter.id());

        assertThat(replayed.resolved()).as(replayed.message()).isTrue();
        assertThat(replayed.message()).isEqualTo(".failed/" + letter.payload() + " moved back to the inbound as"
                + " export.csv; it is staged when picked up (Audit.LatestExport)");
        await().atMost(PATIENCE).until(() -> db.exports.newestStaged().isPresent() && doneFiles().size() == 1);
        assertThat(db.exports.newestStaged()).hasValueSatisfying(export -> {
            assertThat(export.fileName()).isEqualTo("export.csv");
            assertThat(export.values()).isEqualTo(2);
        });
        assertThat(failedFiles()).isEmpty();
        assertThat(db.deadLetters.find(letter.id())).hasValueSatisfying(l -> assertThat(l.state()).isEqualTo("REPLAYED"));
    }

    @Test
    void aReplayOnAnInboundThatIsNotAFolderSaysWhatToMoveByHand() throws Exception {
        exportTableAway();
        start();
        drop("export.csv", "ContactId,EmailOptOut\n" + contact(1) + ",TRUE\n");
        await().atMost(PATIENCE).until(() -> failedFiles().size() == 1 && db.deadLetters.countOpen() == 1);
        DeadLetter letter = db.deadLetters.open().get(0);

        DeadLetterService.Outcome replayed = new DeadLetterService(db.deadLetters,
                List.of(new AscendExportReplay("sftp://optout@ascend.example.edu:22/exports?privateKeyFile=/k")))
                .replay(letter.id());

        assertThat(replayed.resolved()).isFalse();
        assertThat(replayed.message()).isEqualTo("replay failed, letter stays open: the inbound is not a folder on"
                + " this node (sftp): move .failed/" + letter.payload() + " back to the inbound as export.csv by hand,"
                + " then discard this letter");
        assertThat(failedFiles()).hasSize(1);
    }

    /** The staging's table is away, the dead letters' is not: the staging fails, its letter is written. */
    private void exportTableAway() {
        db.jdbc.execute("alter table ascend_export rename to ascend_export_away");
    }

    private void exportTableBack() {
        db.jdbc.execute("alter table ascend_export_away rename to ascend_export");
    }

    /** The route as the service runs it, one retry 10 ms apart. */
    private void start() throws Exception {
        Properties properties = new Properties();
        properties.putAll(Map.of(
                "optout.audit.inbound", "file:" + inbound,
                "optout.audit.inbound-settle", "100",
                "optout.audit.retry.maximum-redeliveries", "1",
                "optout.audit.retry.delay", "10"));
        camel.getPropertiesComponent().setInitialProperties(properties);
        camel.getRegistry().bind("ascendExports", exports);
        PluginHelper.getRoutesLoader(camel)
                .loadRoutes(PluginHelper.getResourceLoader(camel).resolveResource("file:routes/audit.camel.yaml"));
        // Only the intake: the audit's routes need Salesforce and Quartz.
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        for (RouteDefinition route : List.copyOf(model.getRouteDefinitions())) {
            if (!"ascend-export-intake".equals(route.getRouteId())) {
                model.removeRouteDefinition(route);
            }
        }
        camel.start();
    }

    /** The first round's attempts, and the dead letter's write, were refused and the file was read again. */
    private boolean pickedUpAgain() {
        // A round takes three connections, each refused: the staging, its one retry, and the dead letter's write.
        return refusedConnections.get() > 3;
    }

    private void drop(String name, String content) throws IOException {
        Path part = inbound.resolve(".part-" + name);
        Files.writeString(part, content, StandardCharsets.UTF_8);
        Files.move(part, inbound.resolve(name));
    }

    private List<Path> failedFiles() throws IOException {
        return files(inbound.resolve(".failed"));
    }

    private List<Path> doneFiles() throws IOException {
        return files(inbound.resolve(".done"));
    }

    private static List<Path> files(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }
}
