package edu.cu.ecomm.optout.intake;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.KnownValues;
import edu.cu.ecomm.optout.ledger.LedgerWrites;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.salesforce.api.dto.bulkv2.JobStateEnum;
import org.apache.camel.component.salesforce.api.dto.bulkv2.OperationEnum;
import org.apache.camel.component.salesforce.api.dto.bulkv2.QueryJob;
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
 * <p>The job's CSV results are read a page ({@code optout.initial-snapshot.page-size} rows) at a time, line by
 * line, and stored in chunks: memory stays bounded whatever the org's size.
 */
@Component("initialSnapshot")
public class InitialSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(InitialSnapshot.class);
    static final String SOQL = "SELECT Id, HasOptedOutOfEmail, SystemModstamp FROM Contact";
    private static final int CHUNK = 1_000;

    /** What the snapshot stored. */
    public record Report(String jobId, long contacts, long recorded) {
    }

    private final ProducerTemplate salesforce;
    private final KnownValues known;
    private final ContactReconciler reconciler;
    private final LedgerWrites writes;
    private final boolean deliver;
    private final int pageSize;
    private final Duration pollInterval;
    private final Duration timeout;

    public InitialSnapshot(ProducerTemplate salesforce, KnownValues known, ContactReconciler reconciler,
                           LedgerWrites writes,
                           @Value("${optout.initial-snapshot.deliver:false}") boolean deliver,
                           @Value("${optout.initial-snapshot.page-size:50000}") int pageSize,
                           @Value("${optout.initial-snapshot.poll-interval:PT5S}") Duration pollInterval,
                           @Value("${optout.initial-snapshot.timeout:PT2H}") Duration timeout) {
        this.salesforce = salesforce;
        this.known = known;
        this.reconciler = reconciler;
        this.writes = writes;
        this.deliver = deliver;
        this.pageSize = pageSize;
        this.pollInterval = pollInterval;
        this.timeout = timeout;
    }

    public Report run(Instant asOf) {
        QueryJob job = new QueryJob();
        job.setOperation(OperationEnum.QUERY);
        job.setQuery(SOQL);
        QueryJob created = salesforce.requestBody("direct:salesforce-bulk-query-start", job, QueryJob.class);
        String jobId = created.getId();
        LOG.info("Initial snapshot: Bulk API 2.0 query job {} started", jobId);
        awaitCompletion(jobId);
        long contacts = 0;
        long recorded = 0;
        String locator = null;
        do {
            String pageLocator = locator;
            Exchange answer = salesforce.request("direct:salesforce-bulk-query-results", exchange -> {
                exchange.getIn().setHeader("jobId", jobId);
                exchange.getIn().setHeader("maxRecords", pageSize);
                if (pageLocator != null) {
                    exchange.getIn().setHeader("locator", pageLocator);
                }
            });
            if (answer.getException() != null) {
                throw new IllegalStateException("Bulk API results of job " + jobId + " failed", answer.getException());
            }
            long[] counts = store(answer.getMessage().getBody(InputStream.class), asOf);
            contacts += counts[0];
            recorded += counts[1];
            locator = answer.getMessage().getHeader("Sforce-Locator", String.class);
        } while (locator != null && !locator.isBlank() && !"null".equals(locator));
        LOG.info("Initial snapshot: {} contact(s) read; {} change(s) recorded for CU Ascend ({})", contacts, recorded,
                deliver ? "every contact, optout.initial-snapshot.deliver=true" : "contacts changed since the first start");
        return new Report(jobId, contacts, recorded);
    }

    private void awaitCompletion(String jobId) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            QueryJob status = salesforce.requestBody("direct:salesforce-bulk-query-status", jobId, QueryJob.class);
            JobStateEnum state = status.getState();
            if (state == JobStateEnum.JOB_COMPLETE) {
                return;
            }
            if (state == JobStateEnum.FAILED || state == JobStateEnum.ABORTED) {
                throw new IllegalStateException("Bulk API query job " + jobId + " ended " + state);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Bulk API query job " + jobId + " not complete after " + timeout);
            }
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for query job " + jobId, e);
            }
        }
    }

    /** Reads one page of CSV results line by line; returns {contacts, changes recorded}. */
    private long[] store(InputStream csv, Instant asOf) {
        long[] counts = new long[2];
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(csv, StandardCharsets.UTF_8))) {
            String headerLine = reader.readLine();
            if (headerLine == null) {
                return counts;
            }
            List<String> header = BulkCsv.fields(headerLine);
            int id = header.indexOf("Id");
            int optOut = header.indexOf("HasOptedOutOfEmail");
            int modstamp = header.indexOf("SystemModstamp");
            if (id < 0 || optOut < 0 || modstamp < 0) {
                throw new IllegalStateException("Bulk API results lack Id, HasOptedOutOfEmail or SystemModstamp: " + headerLine);
            }
            List<ContactValue> chunk = new ArrayList<>(CHUNK);
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    continue;
                }
                List<String> fields = BulkCsv.fields(line);
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
        } catch (IOException e) {
            throw new UncheckedIOException("could not read Bulk API results", e);
        }
        return counts;
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
