package edu.cu.ecomm.optout.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;


import edu.cu.ecomm.optout.intake.SalesforceIds;
import edu.cu.ecomm.optout.support.MigratedDatabase;
import edu.cu.ecomm.optout.support.TestDatabases;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The ledger's write lock across two service instances sharing one database (as when scaled out on PostgreSQL):
 * each has its own {@link LedgerWrites}, so only the database can make one wait for the other.
 */
class LedgerWritesTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final String CONTACT = SalesforceIds.toContactId18("003000000000001").orElseThrow();
    private static final Instant SNAPSHOT = Instant.parse("2026-11-29T08:00:00Z");

    @AutoClose
    private final MigratedDatabase dataSource = TestDatabases.migrated();
    private final JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    private final Clock clock = Clock.systemUTC();

    @Test
    void aCatchUpOnAnotherInstanceWaitsForAnUncommittedCdcChangeAndDoesNotRecordItAgain() throws Exception {
        if (!TestDatabases.onPostgres()) {
            // H2 gives up on a row lock after one second by default; here the second instance must simply wait.
            jdbc.execute("set default_lock_timeout 60000");
        }
        new KnownValues(jdbc, clock).remember(Map.of(CONTACT, false), Map.of(CONTACT, SNAPSHOT));
        Instance intakeNode = new Instance();
        Instance catchUpNode = new Instance();
        CountDownLatch recordedNotCommitted = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        AtomicReference<Object> intakeSession = new AtomicReference<>();
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            // Node A records a CDC opt-out and holds its transaction open.
            CompletableFuture<Void> cdc = CompletableFuture.runAsync(() -> intakeNode.writes.inTransaction(() -> {
                intakeNode.ledger.record(change(true, "cdc-event-1", ChangeSource.CDC));
                intakeSession.set(intakeNode.jdbc.queryForObject(sessionIdQuery(), Object.class));
                recordedNotCommitted.countDown();
                waitFor(commit);
                return null;
            }), nodes);
            assertThat(recordedNotCommitted.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

            // Node B's catch-up compares Salesforce's value (opted out) with the known one and records a difference.
            CompletableFuture<Boolean> catchUp = CompletableFuture.supplyAsync(() -> catchUpNode.writes.inTransaction(
                    () -> !catchUpNode.known.of(List.of(CONTACT)).get(CONTACT).optedOut()
                            && catchUpNode.ledger.record(change(true, "catchup:2026-11-29T09:00:00Z",
                                    ChangeSource.CATCHUP)).isPresent()), nodes);
            await().atMost(PATIENCE).until(() -> catchUp.isDone() || sessionsWaitingFor(intakeSession.get()) > 0);
            assertThat(catchUp).as("the catch-up waits for the uncommitted CDC change").isNotDone();

            commit.countDown();
            cdc.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(catchUp.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("catch-up recorded a change").isFalse();
            assertThat(jdbc.queryForList("select source from contact_change where contact_id = ?", String.class, CONTACT))
                    .containsExactly("CDC");
        } finally {
            commit.countDown();
            nodes.shutdownNow();
        }
    }

    /** A service instance's beans on the shared database. */
    private final class Instance {
        final JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        final LedgerWrites writes = new LedgerWrites(jdbc,
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
        final ChangeLedger ledger = new ChangeLedger(jdbc, clock);
        final KnownValues known = new KnownValues(jdbc, clock);
    }

    private static NewChange change(boolean optedOut, String eventId, ChangeSource source) {
        return new NewChange(CONTACT, optedOut, "UPDATE", Instant.parse("2026-11-29T09:00:00Z"), 1L, "tx", 1, eventId,
                null, "com/salesforce/api/rest/64.0", null, source);
    }

    private static String sessionIdQuery() {
        return TestDatabases.onPostgres() ? "select pg_backend_pid()" : "select session_id()";
    }

    /** Database sessions blocked by {@code session}'s locks. */
    private long sessionsWaitingFor(Object session) {
        String sql = TestDatabases.onPostgres()
                ? "select count(*) from pg_stat_activity where ? = any(pg_blocking_pids(pid))"
                : "select count(*) from information_schema.sessions where blocker_id = ?";
        return jdbc.queryForObject(sql, Long.class, session);
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            if (!latch.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
