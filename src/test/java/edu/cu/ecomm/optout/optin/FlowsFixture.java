package edu.cu.ecomm.optout.optin;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import edu.cu.ecomm.optout.guard.HeldOptIns;
import edu.cu.ecomm.optout.support.MigratedDatabase;
import edu.cu.ecomm.optout.support.MutableClock;
import edu.cu.ecomm.optout.support.TestDatabases;
import edu.cu.ecomm.optout.ledger.LedgerWrites;
import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.ledger.NewChange;
import edu.cu.ecomm.optout.optout.PreferenceCheck;
import edu.cu.ecomm.optout.optout.PreferenceWarnings;
import edu.cu.ecomm.optout.optout.SalesforceContacts;

/**
 * The opt-in/opt-out beans wired by hand over a fresh database with every Flyway migration applied (in-memory H2 in
 * PostgreSQL mode, or a new PostgreSQL schema when {@code OPTOUT_TEST_DATABASE=postgres}, see {@link TestDatabases}),
 * as Spring would wire them. Business units: parent 100 "CU System", children 200
 * "CU Boulder" and 300 "CU Denver". A test closes it ({@code @AutoClose}), see {@link MigratedDatabase}.
 */
public class FlowsFixture implements AutoCloseable {

    public static final long PARENT = 100;
    public static final long BOULDER = 200;
    public static final long DENVER = 300;
    /** optout.tickets.attempts: sends of an urgent ticket before it becomes a dead letter. */
    public static final int TICKET_ATTEMPTS = 3;
    public static final String PREFERENCES = "Pref_Alumni_News__c,Pref_Events__c,Pref_Giving__c";

    public final MigratedDatabase dataSource = TestDatabases.migrated();
    public final JdbcTemplate jdbc;
    public final DataSourceTransactionManager transactionManager;
    public final TransactionTemplate transaction;
    public final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T14:00:00Z"));
    public final InMemorySubscriberLookup marketingCloud = new InMemorySubscriberLookup();
    public final MarketingCloudStatuses marketingCloudStatuses = new MarketingCloudStatuses(marketingCloud);
    public final ChangeLedger ledger;
    public final DeadLetters deadLetters;
    public final BusinessUnits units = new BusinessUnits(List.of(
            new BusinessUnit(PARENT, "CU System"), new BusinessUnit(BOULDER, "CU Boulder"),
            new BusinessUnit(DENVER, "CU Denver")));
    public final OptInQueue queue;
    public final SubscriberStatuses statuses;
    public final ResubscribeRequests requests;
    public final SalesforceContacts contacts = new SalesforceContacts("Urgent_Resubscribe__c", PREFERENCES);
    public final PreferenceWarnings warnings;
    public final PreferenceCheck preferenceCheck;
    public final OptInOutcomes outcomes;
    public final ResubscribeRecheck recheck;
    public final ResubscribeSheet sheet;
    public final ResubscribeTickets tickets;
    public final HeldOptIns held;
    private int events;

    public FlowsFixture() {
        this(250);
    }

    public FlowsFixture(int batchSize) {
        jdbc = new JdbcTemplate(dataSource);
        transactionManager = new DataSourceTransactionManager(dataSource);
        transaction = new TransactionTemplate(transactionManager);
        ledger = new ChangeLedger(jdbc, clock);
        deadLetters = new DeadLetters(jdbc, clock);
        queue = new OptInQueue(jdbc, clock, batchSize, Duration.ofMinutes(5), Duration.ofMinutes(1),
                Duration.ofHours(1));
        statuses = new SubscriberStatuses(jdbc, clock);
        requests = new ResubscribeRequests(jdbc, clock);
        warnings = new PreferenceWarnings(jdbc, clock);
        preferenceCheck = new PreferenceCheck(contacts, warnings, deadLetters, ledger, transaction);
        outcomes = new OptInOutcomes(units, statuses, requests, preferenceCheck, queue, ledger, deadLetters,
                transaction);
        recheck = new ResubscribeRecheck(requests, marketingCloudStatuses, batchSize);
        held = new HeldOptIns(jdbc, new LedgerWrites(jdbc, transaction), clock, false);
        sheet = new ResubscribeSheet(requests, warnings, held, deadLetters, clock, "America/Denver", transaction);
        tickets = new ResubscribeTickets(requests, deadLetters, transaction, "Marketing Cloud > Resubscribe Contact",
                Duration.ofMinutes(15), TICKET_ATTEMPTS, clock);
    }

    @Override
    public void close() throws Exception {
        dataSource.close();
    }

    /** An 18-character Contact id. */
    public static String contactId(int n) {
        return String.format("003%012dAAA", n);
    }

    /** Records an opt-in (or opt-out) for a contact in the ledger, state RECEIVED. */
    public ContactChange change(String contactId, boolean optedOut) {
        long id = ledger.record(new NewChange(contactId, optedOut, "UPDATE", clock.instant(), 1L, "tx-" + events,
                1, "event-" + (++events), "replay-" + events, "com/salesforce/api/rest/64.0", "005000000000001AAA",
                ChangeSource.CDC)).orElseThrow();
        return ledger.find(id).orElseThrow();
    }

    public ContactChange optIn(String contactId) {
        return change(contactId, false);
    }

    public long count(String table) {
        return jdbc.queryForObject("select count(*) from " + table, Long.class);
    }
}
