package edu.cu.ecomm.optout.audit;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.ledger.LedgerWrites;
import edu.cu.ecomm.optout.ledger.NewChange;
import edu.cu.ecomm.optout.support.MigratedDatabase;
import edu.cu.ecomm.optout.support.MutableClock;
import edu.cu.ecomm.optout.support.TestDatabases;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A fresh, migrated database for the audit's bean tests: in-memory H2 in PostgreSQL mode, or a new PostgreSQL
 * schema when {@code OPTOUT_TEST_DATABASE=postgres} (see {@link TestDatabases}). A test closes it ({@code @AutoClose}),
 * see {@link MigratedDatabase}.
 */
final class AuditDatabase implements AutoCloseable {

    final MigratedDatabase dataSource;
    final JdbcTemplate jdbc;
    final TransactionTemplate transactions;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
    final ChangeLedger ledger;
    final DeadLetters deadLetters;
    final AscendExports exports;
    private final AtomicLong events = new AtomicLong();

    AuditDatabase() {
        this.dataSource = TestDatabases.migrated();
        this.jdbc = new JdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.ledger = new ChangeLedger(jdbc, clock);
        this.deadLetters = new DeadLetters(jdbc, clock);
        this.exports = new AscendExports(jdbc, transactions, deadLetters, clock, "ContactId", "EmailOptOut", 3, 3,
                Duration.ofMinutes(30));
    }

    @Override
    public void close() throws Exception {
        dataSource.close();
    }

    LedgerWrites writes() {
        return new LedgerWrites(jdbc, transactions);
    }

    /** Stages an export given as CSV text. */
    AscendExports.Export stage(String csv) {
        return exports.stage(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "export.csv",
                "20261129-100000-export.csv");
    }

    /** A new audit row on {@code exportId} with Salesforce's values as given (contact -> opted out). */
    long audit(long exportId, Map<String, Boolean> salesforce) {
        jdbc.update("insert into parity_audit (started_at, state, trigger_name, export_id) values (?, 'RUNNING',"
                + " 'OPERATOR', ?)", edu.cu.ecomm.optout.ledger.SqlTime.toSql(clock.instant()), exportId);
        long auditId = jdbc.queryForObject("select max(id) from parity_audit", Long.class);
        salesforce.forEach((id, value) -> jdbc.update(
                "insert into audit_salesforce_value (audit_id, contact_id, opted_out) values (?, ?, ?)", auditId, id, value));
        return auditId;
    }

    /** Records a CDC change for the contact and leaves it in {@code state}. */
    void change(String contactId, boolean optedOut, String state) {
        long id = ledger.record(new NewChange(contactId, optedOut, "UPDATE", clock.instant(), 1L, "tx",
                1, "event-" + events.incrementAndGet(), null, "com/salesforce/api/rest/64.0", null, ChangeSource.CDC))
                .orElseThrow();
        jdbc.update("update contact_change set state = ? where id = ?", state, id);
    }

    /** Status of each discrepancy of the audit, "contact kind status". */
    List<String> discrepancies(long auditId) {
        return jdbc.query("select contact_id, kind, status from parity_discrepancy where audit_id = ? order by contact_id",
                (rs, n) -> rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3), auditId);
    }

    static String contact(int n) {
        return edu.cu.ecomm.optout.intake.SalesforceIds.toContactId18(String.format("003%012d", n)).orElseThrow();
    }
}
