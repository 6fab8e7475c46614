package edu.cu.ecomm.optout.audit;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;

import edu.cu.ecomm.optout.intake.SalesforceIds;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads CU Ascend's opt-out export as a stream, a record at a time: a header row naming the columns, then one
 * row per contact. Only two columns matter (by default {@code ContactId} and {@code EmailOptOut}, matched by name,
 * case-insensitively, in any position); the others are ignored. Each row is either a value (the id normalised to
 * Salesforce's 18 characters) or a bad row with its line number and the reason; the rest of the file is read on.
 * A file that lacks a required column, or whose CSV cannot be read on (an unterminated quote), is rejected whole.
 * A record may not run on for more than {@link #MAX_RECORD_CHARS} characters: an unclosed quote would otherwise
 * make the rest of the file, however large, one value in memory before the parser gives up at its end.
 *
 * <p>Duplicates are not found here (that would need memory growing with the file): the staging finds them in
 * the database.
 */
public final class AscendExportReader {

    /** Where the reader's findings go, in file order. */
    public interface Sink {
        void value(long line, String contactId, boolean optedOut);

        void badRow(long line, String reason, String content);
    }

    /** Far more than any row of the export (two short columns and a few others), far less than the heap. */
    static final int MAX_RECORD_CHARS = 1 << 20;

    private final String contactIdColumn;
    private final String optOutColumn;

    public AscendExportReader(String contactIdColumn, String optOutColumn) {
        this.contactIdColumn = contactIdColumn.trim();
        this.optOutColumn = optOutColumn.trim();
    }

    /**
     * Reads the whole export into {@code sink}.
     *
     * @return the number of data lines read (values and bad rows; blank lines not counted)
     * @throws AscendExportRejectedException when the header lacks a required column or the CSV is unreadable
     */
    public long read(Reader export, Sink sink) {
        CSVFormat format = CSVFormat.RFC4180.builder()
                .setIgnoreEmptyLines(false)
                .setIgnoreSurroundingSpaces(true)
                .get();
        long rows = 0;
        RecordLengthLimit limited = new RecordLengthLimit(export);
        try (CSVParser parser = CSVParser.parse(limited, format)) {
            Iterator<CSVRecord> records = parser.iterator();
            if (!next(parser, records, 1)) {
                throw new AscendExportRejectedException("the file is empty: a header row with the columns "
                        + contactIdColumn + " and " + optOutColumn + " is required");
            }
            CSVRecord header = records.next();
            limited.recordRead();
            int idColumn = -1;
            int optOutIndex = -1;
            for (int i = 0; i < header.size(); i++) {
                String name = header.get(i).replace("\uFEFF", "").trim();
                if (name.equalsIgnoreCase(contactIdColumn) && idColumn < 0) {
                    idColumn = i;
                } else if (name.equalsIgnoreCase(optOutColumn) && optOutIndex < 0) {
                    optOutIndex = i;
                }
            }
            if (idColumn < 0 || optOutIndex < 0) {
                throw new AscendExportRejectedException("the header row (line 1) lacks the column(s) "
                        + (idColumn < 0 ? contactIdColumn : "") + (idColumn < 0 && optOutIndex < 0 ? " and " : "")
                        + (optOutIndex < 0 ? optOutColumn : "") + "; it has: " + String.join(", ", header.values())
                        + " (column names are set by optout.audit.contact-id-column and optout.audit.opt-out-column)");
            }
            int columns = header.size();
            while (true) {
                long line = parser.getCurrentLineNumber() + 1;
                if (!next(parser, records, line)) {
                    break;
                }
                CSVRecord record = records.next();
                limited.recordRead();
                if (record.size() == 1 && record.get(0).isEmpty()) {
                    continue;  // a blank line
                }
                rows++;
                if (record.size() != columns) {
                    sink.badRow(line, "has " + record.size() + " column(s), the header has " + columns, content(record));
                    continue;
                }
                String rawId = record.get(idColumn);
                String rawValue = record.get(optOutIndex);
                if (rawId.isEmpty()) {
                    sink.badRow(line, "no " + contactIdColumn, content(record));
                    continue;
                }
                String notAnId = SalesforceIds.whyNotContactId(rawId);
                if (notAnId != null) {
                    sink.badRow(line, contactIdColumn + ": " + notAnId, content(record));
                    continue;
                }
                String value = rawValue.toUpperCase(Locale.ROOT);
                if (!value.equals("TRUE") && !value.equals("FALSE")) {
                    sink.badRow(line, optOutColumn + " is neither TRUE nor FALSE: " + rawValue, content(record));
                    continue;
                }
                sink.value(line, SalesforceIds.toContactId18(rawId).orElseThrow(), value.equals("TRUE"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the CU Ascend export", e);
        }
        return rows;
    }

    /** Advances the parser; an unreadable record (e.g. an unterminated quote) rejects the file. */
    private static boolean next(CSVParser parser, Iterator<CSVRecord> records, long line) {
        try {
            return records.hasNext();
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new AscendExportRejectedException("the CSV cannot be read on from line " + line + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
    }

    /**
     * Counts the characters the parser takes since the last whole record and fails the read past the limit. The
     * parser reads ahead a buffer at a time, so the count may include a few kilobytes of the next records: the
     * limit is approximate, which is all it needs to be.
     */
    private static final class RecordLengthLimit extends FilterReader {

        private long sinceLastRecord;

        RecordLengthLimit(Reader in) {
            super(in);
        }

        void recordRead() {
            sinceLastRecord = 0;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            count(c < 0 ? 0 : 1);
            return c;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            count(Math.max(read, 0));
            return read;
        }

        private void count(int read) throws IOException {
            sinceLastRecord += read;
            if (sinceLastRecord > MAX_RECORD_CHARS) {
                throw new IOException(String.format(Locale.ROOT, "a record runs on for more than %,d characters"
                        + " (an unclosed quote?)", MAX_RECORD_CHARS));
            }
        }
    }

    private static String content(CSVRecord record) {
        String joined = String.join(",", record.values());
        return joined.length() > 500 ? joined.substring(0, 500) + "…" : joined;
    }
}
