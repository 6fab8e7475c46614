package edu.cu.ecomm.optout.audit;

import static edu.cu.ecomm.optout.audit.AuditDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import edu.cu.ecomm.optout.intake.BulkQueries;
import edu.cu.ecomm.optout.ops.AuditMBean;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two service instances sharing one database (as when scaled out on PostgreSQL), each with its own
 * {@link ParityAudit}: the weekly run fires on one node, an operator may press runAuditNow on another. Only one audit
 * may run, or the second's start would delete the first's staged Salesforce values.
 */
class OneAuditAtATimeTest {

    private static final Duration ABANDON_AFTER = Duration.ofHours(6);

    @AutoClose
    private final AuditDatabase db = new AuditDatabase();
    @TempDir
    Path staging;

    @Test
    void anotherInstanceCannotStartAnAuditWhileOneRunsAndLeavesItsStagedValuesAlone() {
        ParityAudit weekly = instance();
        ParityAudit operator = instance();
        stageExport();
        long running = weekly.start("SCHEDULE");
        stageSalesforceValues(running, 3);

        assertThat(operator.isRunning()).isTrue();
        assertThatThrownBy(() -> operator.start("OPERATOR")).isInstanceOf(AuditNotStartedException.class)
                .hasMessageContaining("audit " + running + " (SCHEDULE, started 2026-11-29T10:00:00Z) is still running")
                .hasMessageContaining("abandoned 6 hours after its start (optout.audit.abandon-after)");
        assertThat(stagedSalesforceValues(running)).isEqualTo(3);

        weekly.reported(running);
        assertThat(operator.isRunning()).isFalse();
        long next = operator.start("OPERATOR");
        assertThat(next).isGreaterThan(running);
        assertThat(stagedSalesforceValues(running)).as("a finished audit's values are no longer needed").isZero();
    }

    @Test
    void aFailedAuditLetsTheNextStart() {
        ParityAudit weekly = instance();
        stageExport();
        long failed = weekly.start("SCHEDULE");

        weekly.failed(failed, new IllegalStateException("Bulk API job failed"));

        assertThat(instance().start("OPERATOR")).isGreaterThan(failed);
    }

    @Test
    void aStartThatFailsAfterTakingTheSlotGivesItBackAndTheRetryStarts() {
        stageExport();
        long finished = instance().start("SCHEDULE");
        instance().reported(finished);
        stageSalesforceValues(finished, 2);
        JdbcTemplate clearingFails = new JdbcTemplate(db.dataSource) {
            @Override
            public int update(String sql, Object... args) {
                if (sql.startsWith("delete from audit_salesforce_value where audit_id <>")) {
                    throw new DataAccessResourceFailureException("connection lost");
                }
                return super.update(sql, args);
            }
        };

        assertThatThrownBy(() -> instance(clearingFails).start("SCHEDULE"))
                .isInstanceOf(DataAccessResourceFailureException.class);

        // The route never received the failed start's id, so it could not have failed that audit itself.
        assertThat(instance().isRunning()).isFalse();
        assertThat(db.jdbc.queryForObject("select count(*) from parity_audit", Long.class)).isEqualTo(1);
        long retried = instance().start("SCHEDULE");
        assertThat(retried).isGreaterThan(finished);
        assertThat(stagedSalesforceValues(finished)).isZero();
    }

    @Test
    void twoInstancesStartingAtTheSameMomentRunOneAudit() throws Exception {
        stageExport();
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            List<Future<Long>> starts = new ArrayList<>();
            for (ParityAudit node : List.of(instance(), instance())) {
                Callable<Long> start = () -> {
                    together.await();
                    return node.start("SCHEDULE");
                };
                starts.add(nodes.submit(start));
            }
            List<Long> started = new ArrayList<>();
            List<Throwable> refused = new ArrayList<>();
            for (Future<Long> start : starts) {
                try {
                    started.add(start.get());
                } catch (ExecutionException e) {
                    refused.add(e.getCause());
                }
            }

            assertThat(started).hasSize(1);
            assertThat(refused).singleElement().isInstanceOf(AuditNotStartedException.class);
            assertThat(db.jdbc.queryForObject("select count(*) from parity_audit", Long.class)).isEqualTo(1);
        } finally {
            nodes.shutdownNow();
        }
    }

    @Test
    void anAuditWhoseInstanceStoppedMidRunIsTakenAsAbandonedOnceTheLimitHasPassedAndTheNextStarts() {
        stageExport();
        ParityAudit stopped = instance();
        long lost = stopped.start("SCHEDULE");
        ParityAudit survivor = instance();

        db.clock.advance(ABANDON_AFTER.minusMinutes(1));
        assertThatThrownBy(() -> survivor.start("OPERATOR")).isInstanceOf(AuditNotStartedException.class);

        db.clock.advance(Duration.ofMinutes(2));
        long next = survivor.start("OPERATOR");

        assertThat(next).isGreaterThan(lost);
        assertThat(db.jdbc.queryForObject("select state || ': ' || error from parity_audit where id = ?", String.class,
                lost)).isEqualTo("FAILED: abandoned: still running 6 hours after its start (its instance stopped?)");
        assertThat(db.jdbc.queryForObject("select state from parity_audit where id = ?", String.class, next))
                .isEqualTo("RUNNING");

        // Its instance was only stuck, and reports late: the audit stays FAILED, and the next one keeps the slot.
        stopped.reported(lost);
        assertThat(db.jdbc.queryForObject("select state from parity_audit where id = ?", String.class, lost))
                .isEqualTo("FAILED");
        assertThat(survivor.isRunning()).isTrue();
    }

    @Test
    void anAbandonedAuditIsMarkedFailedEvenWhenTheNextStartIsRefusedForAnOldExport() {
        stageExport();
        long lost = instance().start("SCHEDULE");
        // CU Ascend's export stopped arriving too: the next weekly start finds only the old one.
        db.clock.advance(Duration.ofDays(9));

        assertThatThrownBy(() -> instance().start("SCHEDULE")).isInstanceOf(AuditNotStartedException.class)
                .hasMessageContaining("older than optout.audit.max-export-age");

        assertThat(db.jdbc.queryForObject("select state || ': ' || error from parity_audit where id = ?", String.class,
                lost)).isEqualTo("FAILED: abandoned: still running 6 hours after its start (its instance stopped?)");
        assertThat(instance().isRunning()).isFalse();
    }

    @Test
    void runAuditNowStartsAnAuditOnceTheRunningOneIsTakenAsAbandoned() {
        stageExport();
        long lost = instance().start("SCHEDULE");
        ProducerTemplate producer = mock(ProducerTemplate.class);
        AuditMBean jmx = new AuditMBean(instance(), db.exports, producer);

        db.clock.advance(ABANDON_AFTER.minusMinutes(1));
        assertThat(jmx.runAuditNow()).isEqualTo("An audit is already running; watch LastRunState");
        verify(producer, never()).asyncRequestBodyAndHeader(any(String.class), any(), any(String.class), any());

        db.clock.advance(Duration.ofMinutes(2));
        assertThat(jmx.runAuditNow()).isEqualTo("Parity audit started; watch LastRunState");
        verify(producer).asyncRequestBodyAndHeader("direct:parity-audit", null, "auditTrigger", "OPERATOR");
        assertThat(db.jdbc.queryForObject("select state from parity_audit where id = ?", String.class, lost))
                .isEqualTo("FAILED");
    }

    @Test
    void runAuditNowMarksAnAbandonedAuditFailedEvenWhenTheExportIsTooOldToAudit() {
        stageExport();
        instance().start("SCHEDULE");
        AuditMBean jmx = new AuditMBean(instance(), db.exports, mock(ProducerTemplate.class));
        db.clock.advance(Duration.ofDays(9));

        assertThat(jmx.runAuditNow()).startsWith("Not started: the newest CU Ascend export (export.csv, received ");
        assertThat(jmx.getLastRunState()).isEqualTo("FAILED");
        assertThat(jmx.getLastError()).startsWith("abandoned: still running 6 hours after its start");
    }

    @Test
    void anAbandonedAuditWhoseInstanceComesBackStopsBeforeReadingComparingCorrectingOrReporting() {
        stageExport();
        ParityAudit stuck = instance();
        long lost = stuck.start("SCHEDULE");
        stageSalesforceValues(lost, 2);
        db.clock.advance(ABANDON_AFTER.plusMinutes(1));
        ParityAudit survivor = instance();
        survivor.start("OPERATOR");
        assertThat(stagedSalesforceValues(lost)).as("deleted by the next audit's start").isZero();

        // The stuck instance resumes where it was: comparing what is left would report both contacts as missing.
        String stops = "Parity audit " + lost + " stops here: it was taken as abandoned";
        assertThatThrownBy(() -> stuck.readSalesforce(lost)).isInstanceOf(AuditAbandonedException.class)
                .hasMessageStartingWith(stops);
        assertThatThrownBy(() -> stuck.compare(lost)).isInstanceOf(AuditAbandonedException.class)
                .hasMessageStartingWith(stops);
        assertThatThrownBy(() -> stuck.correct(lost)).isInstanceOf(AuditAbandonedException.class);
        assertThatThrownBy(() -> stuck.writeReport(lost)).isInstanceOf(AuditAbandonedException.class);
        stuck.stoppedAsAbandoned(lost, new AuditAbandonedException(lost));

        assertThat(db.jdbc.queryForMap("select state, in_ascend_only from parity_audit where id = ?", lost))
                .as("still FAILED, never compared").containsEntry("state", "FAILED").containsEntry("in_ascend_only", null);
        assertThat(staging).as("no report written").isEmptyDirectory();
        assertThat(db.deadLetters.open()).singleElement().satisfies(letter -> {
            assertThat(letter.routeId()).isEqualTo("parity-audit");
            assertThat(letter.reason()).startsWith(stops);
        });
        assertThat(survivor.isRunning()).isTrue();
    }

    @Test
    void anAuditTakenAsAbandonedWhileItComparesStaysFailed() {
        stageExport();
        ParityAudit survivor = instance();
        // The comparison takes so long that another instance takes the audit as abandoned before its figures are
        // written.
        AtomicBoolean abandoned = new AtomicBoolean();
        AuditComparison slow = new AuditComparison(db.jdbc) {
            @Override
            public Map<DiscrepancyKind, Map<DiscrepancyStatus, Long>> counts(long auditId) {
                if (abandoned.compareAndSet(false, true)) {
                    db.clock.advance(ABANDON_AFTER.plusMinutes(1));
                    CompletableFuture.runAsync(() -> survivor.start("OPERATOR")).join();
                }
                return super.counts(auditId);
            }
        };
        ParityAudit stuck = instance(db.jdbc, slow);
        long lost = stuck.start("SCHEDULE");
        stageSalesforceValues(lost, 2);

        assertThatThrownBy(() -> stuck.compare(lost)).isInstanceOf(AuditAbandonedException.class)
                .hasMessageStartingWith("Parity audit " + lost + " stops here: it was taken as abandoned");

        assertThat(db.jdbc.queryForMap("select state, in_ascend_only from parity_audit where id = ?", lost))
                .as("not turned back into COMPARED").containsEntry("state", "FAILED").containsEntry("in_ascend_only", null);
        assertThat(survivor.isRunning()).isTrue();
    }

    /** A service instance's audit bean on the shared database; these tests never read Salesforce. */
    private ParityAudit instance() {
        return instance(db.jdbc);
    }

    private ParityAudit instance(JdbcTemplate jdbc) {
        return instance(jdbc, new AuditComparison(db.jdbc));
    }

    private ParityAudit instance(JdbcTemplate jdbc, AuditComparison comparison) {
        return new ParityAudit(jdbc, db.transactions, new BulkQueries(null), db.exports,
                comparison, new AuditCorrections(db.jdbc, db.ledger, db.writes()),
                new AuditReport(db.dataSource, db.transactions, staging, ZoneId.of("America/Denver")), db.deadLetters,
                db.clock, false, 1000, 50_000, Duration.ofSeconds(5), Duration.ofHours(2), Duration.ofDays(8),
                ABANDON_AFTER, 3);
    }

    private void stageExport() {
        db.stage("ContactId,EmailOptOut\n" + contact(1) + ",FALSE\n" + contact(2) + ",TRUE\n");
    }

    /** What the audit's Bulk API read would have staged. */
    private void stageSalesforceValues(long auditId, int contacts) {
        for (int n = 1; n <= contacts; n++) {
            db.jdbc.update("insert into audit_salesforce_value (audit_id, contact_id, opted_out) values (?, ?, ?)",
                    auditId, contact(n), n % 2 == 0);
        }
    }

    private long stagedSalesforceValues(long auditId) {
        return db.jdbc.queryForObject("select count(*) from audit_salesforce_value where audit_id = ?", Long.class,
                auditId);
    }
}
