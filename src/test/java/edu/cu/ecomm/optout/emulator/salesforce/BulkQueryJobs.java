package edu.cu.ecomm.optout.emulator.salesforce;

import com.sun.net.httpserver.HttpExchange;
import edu.cu.ecomm.optout.emulator.salesforce.ContactFields.Field;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bulk API 2.0 query jobs ({@code /services/data/vNN.N/jobs/query}): create a job for a SOQL query, poll its
 * state (UploadComplete, then InProgress, then JobComplete, one step per look), then page through its CSV
 * results with {@code maxRecords} and the {@code Sforce-Locator} the previous page returned ({@code null} on
 * the last). A job not complete yet can be aborted ({@code PATCH} with {@code {"state": "Aborted"}}). Results are fixed when the job is created, as Salesforce's are once the job has run. Each job keeps
 * only the selected values as text, and a page is written to the socket row by row, never assembled in memory.
 */
final class BulkQueryJobs {

    /** Rows per results page when the client gives no {@code maxRecords}. */
    static final int DEFAULT_MAX_RECORDS = 10_000;
    private static final DateTimeFormatter CSV_DATETIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final class Job {
        final String id;
        final String operation;
        final String query;
        final Instant created;
        final List<String> header;
        final List<String[]> rows;
        int looks;
        boolean aborted;

        Job(String id, String operation, String query, Instant created, List<String> header, List<String[]> rows) {
            this.id = id;
            this.operation = operation;
            this.query = query;
            this.created = created;
            this.header = header;
            this.rows = rows;
        }

        /** UploadComplete when created, InProgress at the first look (and while held), JobComplete from the second. */
        synchronized String state(boolean look, boolean held) {
            String state = aborted ? "Aborted"
                    : looks == 0 ? "UploadComplete" : looks == 1 || held ? "InProgress" : "JobComplete";
            if (look) {
                looks++;
            }
            return state;
        }
    }

    private final SalesforceIds ids;
    private final String userId;
    private final Clock clock;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    /** While set, no job completes: Salesforce is still working on them. */
    private volatile boolean held;

    BulkQueryJobs(SalesforceIds ids, String userId, Clock clock) {
        this.ids = ids;
        this.userId = userId;
        this.clock = clock;
    }

    /** POST jobs/query: {@code {"operation":"query","query":"SELECT …"}}. */
    Map<String, Object> create(Map<String, Object> body, List<Map<String, Object>> contacts, String version) {
        String operation = String.valueOf(body.getOrDefault("operation", ""));
        if (!operation.equals("query") && !operation.equals("queryAll")) {
            throw new SalesforceApiException(400, "INVALIDJOB", "Operation must be query or queryAll, not '" + operation + "'");
        }
        Object query = body.get("query");
        if (!(query instanceof String soql) || soql.isBlank()) {
            throw new SalesforceApiException(400, "INVALIDJOB", "A query is required");
        }
        SoqlQuery parsed = SoqlQuery.parse(soql);
        List<String> header = parsed.fields().stream().map(Field::name).toList();
        List<String[]> rows = new ArrayList<>();
        for (Map<String, Object> row : parsed.select(contacts)) {
            String[] values = new String[header.size()];
            for (int i = 0; i < values.length; i++) {
                Object value = row.get(header.get(i));
                values[i] = value == null ? null : value instanceof Instant instant ? CSV_DATETIME.format(instant)
                        : String.valueOf(value);
            }
            rows.add(values);
        }
        Job job = new Job(ids.next("750"), operation, soql, clock.instant(), header, List.copyOf(rows));
        jobs.put(job.id, job);
        return info(job, false, version);
    }

    /** GET jobs/query/{id}. */
    Map<String, Object> get(String jobId, String version) {
        return info(job(jobId), true, version);
    }

    /** GET jobs/query/{id}/results?maxRecords=&locator= — CSV, streamed. */
    void results(HttpExchange exchange, String jobId, Map<String, String> params) throws IOException {
        Job job = job(jobId);
        if (!"JobComplete".equals(job.state(false, held))) {
            throw new SalesforceApiException(400, "API_ERROR", "Job " + jobId + " is not complete; its state is "
                    + job.state(false, held));
        }
        int max = DEFAULT_MAX_RECORDS;
        if (params.containsKey("maxRecords")) {
            try {
                max = Integer.parseInt(params.get("maxRecords"));
            } catch (NumberFormatException e) {
                max = -1;
            }
            if (max < 1) {
                throw new SalesforceApiException(400, "INVALID_MAX_RECORDS", "maxRecords must be a positive integer");
            }
        }
        int offset = 0;
        if (params.containsKey("locator") && !params.get("locator").isEmpty()) {
            offset = offset(params.get("locator"), job.rows.size());
        }
        int end = (int) Math.min(job.rows.size(), (long) offset + max);
        exchange.getResponseHeaders().set("Content-Type", "text/csv");
        exchange.getResponseHeaders().set("Sforce-NumberOfRecords", String.valueOf(end - offset));
        exchange.getResponseHeaders().set("Sforce-Locator", end < job.rows.size() ? locator(end) : "null");
        exchange.sendResponseHeaders(200, 0);
        try (Writer out = new BufferedWriter(new OutputStreamWriter(exchange.getResponseBody(), StandardCharsets.UTF_8))) {
            writeLine(out, job.header.toArray(String[]::new));
            for (int i = offset; i < end; i++) {
                writeLine(out, job.rows.get(i));
            }
        }
    }

    /**
     * PATCH jobs/query/{id} with {@code {"state": "Aborted"}}. As in Salesforce, only a job that is UploadComplete or
     * InProgress can be aborted; one that has ended answers 400 INVALIDJOBSTATE.
     */
    Map<String, Object> abort(String jobId, Map<String, Object> body, String version) {
        Job job = job(jobId);
        if (!"Aborted".equals(body.get("state"))) {
            throw new SalesforceApiException(400, "INVALIDJOBSTATE", "A query job's state can only be set to Aborted, not '"
                    + body.get("state") + "'");
        }
        synchronized (job) {
            String state = job.state(false, held);
            if (!state.equals("UploadComplete") && !state.equals("InProgress")) {
                throw new SalesforceApiException(400, "INVALIDJOBSTATE", "Aborting already "
                        + (state.equals("JobComplete") ? "Completed" : state) + " Job not allowed");
            }
            job.aborted = true;
        }
        return info(job, false, version);
    }

    /** Every job's state by id, as its next look would report it (without counting as one). */
    Map<String, String> states() {
        Map<String, String> states = new LinkedHashMap<>();
        jobs.values().forEach(job -> states.put(job.id, job.state(false, held)));
        return states;
    }

    void hold(boolean hold) {
        held = hold;
    }

    private Job job(String jobId) {
        Job job = jobs.get(jobId);
        if (job == null) {
            throw new SalesforceApiException(404, "NOT_FOUND", "The requested resource does not exist");
        }
        return job;
    }

    private Map<String, Object> info(Job job, boolean look, String version) {
        String state = job.state(look, held);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("id", job.id);
        info.put("operation", job.operation);
        info.put("object", "Contact");
        info.put("createdById", userId);
        info.put("createdDate", FieldValues.toWire(job.created));
        info.put("systemModstamp", FieldValues.toWire(job.created));
        info.put("state", state);
        info.put("concurrencyMode", "Parallel");
        info.put("contentType", "CSV");
        info.put("apiVersion", Double.parseDouble(version));
        info.put("lineEnding", "LF");
        info.put("columnDelimiter", "COMMA");
        if (look) {
            info.put("jobType", "V2Query");
            info.put("numberRecordsProcessed", "JobComplete".equals(state) ? job.rows.size() : 0);
            info.put("retries", 0);
            info.put("totalProcessingTime", 0);
        }
        return info;
    }

    private static String locator(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("offset:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int offset(String locator, int size) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(locator), StandardCharsets.UTF_8);
            int offset = Integer.parseInt(decoded.substring("offset:".length()));
            if (decoded.startsWith("offset:") && offset >= 0 && offset < size) {
                return offset;
            }
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            // falls through to the error
        }
        throw new SalesforceApiException(400, "INVALID_LOCATOR", "Invalid locator: " + locator);
    }

    /** Every value in double quotes (quotes doubled), an empty field for null, LF line endings. */
    private static void writeLine(Writer out, String[] values) throws IOException {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            if (values[i] != null) {
                out.write('"');
                out.write(values[i].replace("\"", "\"\""));
                out.write('"');
            }
        }
        out.write('\n');
    }
}
