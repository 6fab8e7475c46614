package edu.cu.ecomm.optout.intake;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.salesforce.api.dto.bulkv2.JobStateEnum;
import org.apache.camel.component.salesforce.api.dto.bulkv2.OperationEnum;
import org.apache.camel.component.salesforce.api.dto.bulkv2.QueryJob;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs a SOQL query as a Salesforce Bulk API 2.0 query job and reads its CSV results as a stream: starts the
 * job (route {@code salesforce-bulk-query-start}), waits for it to complete ({@code salesforce-bulk-query-status}),
 * then reads its results a page at a time ({@code salesforce-bulk-query-results}, following Sforce-Locator), each
 * page line by line. Memory stays bounded whatever the org's size: a page is never held whole. A job that does not
 * complete within the timeout is aborted ({@code salesforce-bulk-query-abort}): the next attempt starts a job of its
 * own, and the one given up on must not keep running in Salesforce, counting against the org's Bulk API limits.
 *
 * <p>Used by the initial snapshot (intake) and the parity audit.
 */
@Component("bulkQueries")
public class BulkQueries {

    private static final Logger LOG = LoggerFactory.getLogger(BulkQueries.class);
    private static final CSVFormat BULK_CSV = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();

    /**
     * @param pageSize     CSV rows per results page (maxRecords)
     * @param pollInterval how often the job's state is checked
     * @param timeout      how long to wait for the job to complete
     */
    public record Settings(int pageSize, Duration pollInterval, Duration timeout) {
    }

    /** What a caller does with one page of results: its header, then its rows, read one at a time. */
    @FunctionalInterface
    public interface PageReader {
        void read(List<String> header, Iterator<List<String>> rows);
    }

    private final ProducerTemplate salesforce;

    public BulkQueries(ProducerTemplate salesforce) {
        this.salesforce = salesforce;
    }

    /**
     * Runs {@code soql} and hands every page of its results to {@code reader}.
     *
     * @return the query job's id
     * @throws IllegalStateException when the job failed, was aborted or did not complete within the timeout (then it
     *                               is aborted)
     */
    public String query(String soql, Settings settings, PageReader reader) {
        QueryJob job = new QueryJob();
        job.setOperation(OperationEnum.QUERY);
        job.setQuery(soql);
        QueryJob created = salesforce.requestBody("direct:salesforce-bulk-query-start", job, QueryJob.class);
        String jobId = created.getId();
        LOG.info("Bulk API 2.0 query job {} started: {}", jobId, soql);
        awaitCompletion(jobId, settings);
        String locator = null;
        do {
            String pageLocator = locator;
            Exchange answer = salesforce.request("direct:salesforce-bulk-query-results", exchange -> {
                exchange.getIn().setHeader("jobId", jobId);
                exchange.getIn().setHeader("maxRecords", settings.pageSize());
                if (pageLocator != null) {
                    exchange.getIn().setHeader("locator", pageLocator);
                }
            });
            if (answer.getException() != null) {
                throw new IllegalStateException("Bulk API results of job " + jobId + " failed", answer.getException());
            }
            readPage(answer.getMessage().getBody(InputStream.class), reader);
            locator = answer.getMessage().getHeader("Sforce-Locator", String.class);
        } while (locator != null && !locator.isBlank() && !"null".equals(locator));
        return jobId;
    }

    private void awaitCompletion(String jobId, Settings settings) {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
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
                IllegalStateException timedOut = new IllegalStateException("Bulk API query job " + jobId
                        + " not complete after " + settings.timeout());
                abort(jobId, timedOut);
                throw timedOut;
            }
            try {
                Thread.sleep(settings.pollInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for query job " + jobId, e);
            }
        }
    }

    /** Aborts a job given up on; if Salesforce refuses (the job ended meanwhile, say), the caller's error says so. */
    private void abort(String jobId, IllegalStateException givenUp) {
        try {
            salesforce.requestBodyAndHeader("direct:salesforce-bulk-query-abort", null, "jobId", jobId);
            LOG.warn("Bulk API 2.0 query job {} aborted: {}", jobId, givenUp.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Bulk API 2.0 query job {} could not be aborted; it may run on in Salesforce: {}", jobId, e.toString());
            givenUp.addSuppressed(e);
        }
    }

    /** One page: its header record, then its rows one at a time (RFC 4180, as Bulk API 2.0 writes it). */
    static void readPage(InputStream csv, PageReader reader) {
        try (CSVParser page = CSVParser.parse(csv, StandardCharsets.UTF_8, BULK_CSV)) {
            Iterator<CSVRecord> records = page.iterator();
            if (!records.hasNext()) {
                return;
            }
            List<String> header = records.next().toList();
            reader.read(header, new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return records.hasNext();
                }

                @Override
                public List<String> next() {
                    return records.next().toList();
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not read Bulk API results", e);
        }
    }
}
