package edu.cu.ecomm.optout.intake;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.KnownValues;
import edu.cu.ecomm.optout.ledger.LedgerWrites;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * First start: every contact's Email Opt Out, read with a Bulk API 2.0 query job (large orgs have millions of
 * contacts) and stored as the last known values ({@code contact_state}), so later catch-ups and gap re-reads
 * have something to compare with. Not sent to CU Ascend unless {@code optout.initial-snapshot.deliver=true}
 * (then each contact also gets a ledger change, source CATCHUP, change type SNAPSHOT).
 *
 * <p>A contact opted out since the first start ({@code asOf}, when intake first subscribed) may have changed
 * while the subscription was opening, its event lost: unless intake has recorded a change for it, its value is
 * recorded as a change (source CATCHUP, type SNAPSHOT) rather than silently taken as known — at worst CU Ascend
 * hears an opt-out it already has, never misses one. A contact not opted out is only remembered, as a CREATE
 * event with the box unticked is no change: it must not start an opt-in flow for someone who never opted out.
 *
 * <p>The job's CSV results are read by {@link BulkQueries} a page ({@code optout.initial-snapshot.page-size} rows)
 * at a time, line by line, and stored in chunks: memory stays bounded whatever the org's size.
 */
@Component("initialSnapshot")
public class InitialSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(InitialSnapshot.class);
    static final String SOQL = "SELECT Id, HasOptedOutOfEmail, SystemModstamp FROM Contact";
    private static final int CHUNK = 1_000;

    /** What the snapshot stored. */
    public record Report(String jobId, long contacts, long recorded) {
    }

    private final BulkQueries bulk;
    private final KnownValues known;
    private final ContactReconciler reconciler;
    private final LedgerWrites writes;
    private final boolean deliver;
    private final int pageSize;
    private final Duration pollInterval;
    private final Duration timeout;

    public InitialSnapshot(BulkQueries bulk, KnownValues known, ContactReconciler reconciler,
                           LedgerWrites writes,
                           @Value("${optout.initial-snapshot.deliver:false}") boolean deliver,
                           @Value("${optout.initial-snapshot.page-size:50000}") int pageSize,
                           @Value("${optout.initial-snapshot.poll-interval:PT5S}") Duration pollInterval,
                           @Value("${optout.initial-snapshot.timeout:PT2H}") Duration timeout) {
        this.bulk = bulk;
        this.known = known;
        this.reconciler = reconciler;
        this.writes = writes;
        this.deliver = deliver;
        this.pageSize = pageSize;
        this.pollInterval = pollInterval;
        this.timeout = timeout;
    }

    public Report run(Instant asOf) {
        long[] counts = new long[2];
        String jobId = bulk.query(SOQL, new BulkQueries.Settings(pageSize, pollInterval, timeout),
                (header, rows) -> store(header, rows, asOf, counts));
        LOG.info("Initial snapshot: {} contact(s) read; {} change(s) recorded for CU Ascend ({}); Bulk API 2.0 query job {}",
                counts[0], counts[1],
                deliver ? "every contact, optout.initial-snapshot.deliver=true" : "contacts changed since the first start", jobId);
        return new Report(jobId, counts[0], counts[1]);
    }

    /** Stores one page of results in chunks; adds to {contacts, changes recorded}. */
    private void store(List<String> header, Iterator<List<String>> rows, Instant asOf, long[] counts) {
        int id = header.indexOf("Id");
        int optOut = header.indexOf("HasOptedOutOfEmail");
        int modstamp = header.indexOf("SystemModstamp");
        if (id < 0 || optOut < 0 || modstamp < 0) {
            throw new IllegalStateException("Bulk API results lack Id, HasOptedOutOfEmail or SystemModstamp: " + header);
        }
        List<ContactValue> chunk = new ArrayList<>(CHUNK);
        while (rows.hasNext()) {
            List<String> fields = rows.next();
            Instant changed = SalesforceOptOutValues.parseDateTime(fields.get(modstamp));
            chunk.add(new ContactValue(SalesforceIds.toContactId18(fields.get(id)).orElseThrow(
                    () -> new IllegalStateException("not a Contact id in Bulk API results: " + fields.get(id))),
                    Boolean.parseBoolean(fields.get(optOut)), changed));
            if (chunk.size() == CHUNK) {
                counts[1] += storeChunk(chunk, asOf);
                counts[0] += chunk.size();
                chunk.clear();
            }
        }
        counts[1] += storeChunk(chunk, asOf);
        counts[0] += chunk.size();
    }

    private long storeChunk(List<ContactValue> chunk, Instant asOf) {
        if (chunk.isEmpty()) {
            return 0;
        }
        return writes.inTransaction(() -> {
            Map<String, Boolean> values = new LinkedHashMap<>();
            Map<String, Instant> since = new LinkedHashMap<>();
            Map<String, KnownValues.Known> before = known.of(chunk.stream().map(ContactValue::contactId).toList());
            long recorded = 0;
            for (ContactValue value : chunk) {
                KnownValues.Known last = before.get(value.contactId());
                // A change intake recorded meanwhile is newer than the snapshot's view: keep it.
                if (last != null && last.fromLedger()) {
                    continue;
                }
                values.put(value.contactId(), value.optedOut());
                since.put(value.contactId(), value.systemModstamp());
                // An opt-out made while the subscription was opening must reach CU Ascend. A contact that is not
                // opted out is, like a CREATE event with the box unticked, no change: it is only remembered.
                boolean optedOutSinceStart = value.optedOut() && !value.systemModstamp().isBefore(asOf);
                if (deliver || optedOutSinceStart) {
                    recorded += reconciler.recordAlways(value, ChangeSource.CATCHUP, "SNAPSHOT",
                            "snapshot:" + value.systemModstamp().toEpochMilli()) ? 1 : 0;
                }
            }
            known.remember(values, since);
            return recorded;
        });
    }
}
