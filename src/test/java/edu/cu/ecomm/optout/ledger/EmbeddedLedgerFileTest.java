package edu.cu.ecomm.optout.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The embedded ledger's file with the production URL's options, written as intake writes it: groups of 100 events
 * (every tenth carrying 50 contacts), one commit each. Every commit is written at once (WRITE_DELAY=0, for
 * durability), so the file grows while the database is open; it must shrink again when the database closes.
 */
class EmbeddedLedgerFileTest {

    /** About 88,000 changes, 300 MB: more than H2's default close (200 ms of compaction) undoes. */
    private static final int GROUPS = 150;

    @Test
    void aNormalCloseRewritesTheFileThatEveryCommitGrewWithEveryChangeKept(@TempDir Path work) throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + work.resolve("ledger") + EmbeddedLedgerDurabilityTest.productionOptions());
        dataSource.setUser("sa");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        ChangeLedger ledger = new ChangeLedger(new JdbcTemplate(dataSource), Clock.systemUTC());
        TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        Path file = work.resolve("ledger.mv.db");
        long recorded = 0;
        long whileOpen;

        // Held open throughout, as the service's connection pool does; H2 closes the database with the last one.
        try (Connection pool = dataSource.getConnection()) {
            for (int group = 0; group < GROUPS; group++) {
                List<NewChange> changes = group(group, recorded);
                transaction.executeWithoutResult(status -> ledger.recordAll(changes));
                recorded += changes.size();
            }
            whileOpen = Files.size(file);
        }
        long closed = Files.size(file);

        assertThat(whileOpen).as("bytes per change while open").isGreaterThan(1_500 * recorded);
        assertThat(closed).as("bytes after the close; %,d while open", whileOpen).isLessThan(whileOpen / 5);
        assertThat(new JdbcTemplate(dataSource).queryForObject("select count(*) from contact_change", Long.class))
                .isEqualTo(recorded);
    }

    private static List<NewChange> group(int group, long firstContact) {
        List<NewChange> changes = new ArrayList<>();
        long contact = firstContact;
        for (int event = 0; event < 100; event++) {
            String eventId = UUID.randomUUID().toString();
            for (int c = 0; c < (event % 10 == 9 ? 50 : 1); c++) {
                changes.add(new NewChange(String.format("003%012dAAA", contact++), true, "UPDATE", Instant.now(), 1L,
                        "tx-" + group, 1, eventId, "replay-" + group, "com/salesforce/api/rest/64.0",
                        "005000000000001AAA", ChangeSource.CDC));
            }
        }
        return changes;
    }
}
