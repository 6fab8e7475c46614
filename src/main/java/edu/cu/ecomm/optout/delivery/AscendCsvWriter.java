package edu.cu.ecomm.optout.delivery;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Writes CU Ascend's batch file: CSV, UTF-8, a header row, RFC 4180 quoting and CRLF line ends, one row per
 * contact ({@code ContactId}, the configured fields, {@code EmailOptOut} TRUE/FALSE, {@code ChangedAt} in
 * ISO-8601 UTC, {@code Direction}, {@code Source}). A cell a spreadsheet would run as a formula (starting
 * with {@code = + - @}, tab or CR) gets a leading {@code '}. Files are written under a temporary name and
 * renamed, so a reader of the folder never sees half a file; the manifest carries batch id, row count and
 * sha256.
 */
@Component("ascendCsvWriter")
public class AscendCsvWriter {

    /** A finished batch file. */
    public record Written(Path file, long rows, String sha256) {
    }

    /** The companion manifest's content. */
    public record Manifest(String batchId, String fileName, long rowCount, long changeCount, String sha256,
                           Instant createdAt) {
    }

    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Starts {@code fileName} in {@code dir} (under a temporary name until {@link CsvFile#finish()}). */
    public CsvFile create(Path dir, String fileName, List<String> fields) {
        try {
            Files.createDirectories(dir);
            return new CsvFile(dir, fileName, fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the manifest as JSON, under a temporary name first. */
    public Path writeManifest(Path dir, String manifestName, Manifest manifest) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("batchId", manifest.batchId());
        content.put("fileName", manifest.fileName());
        content.put("rowCount", manifest.rowCount());
        content.put("changeCount", manifest.changeCount());
        content.put("sha256", manifest.sha256());
        content.put("createdAt", manifest.createdAt().toString());
        try {
            Files.createDirectories(dir);
            Path temp = dir.resolve("." + manifestName + ".tmp");
            try {
                Files.write(temp, json.writeValueAsBytes(content));
            } catch (IOException e) {
                Files.deleteIfExists(temp);
                throw e;
            }
            return moveIntoPlace(temp, dir.resolve(manifestName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One batch file being written. */
    public static final class CsvFile implements Closeable {
        private final Path temp;
        private final Path target;
        private final MessageDigest sha256;
        private final Writer out;
        private final StringBuilder line = new StringBuilder(256);
        private long rows;
        private boolean finished;

        private CsvFile(Path dir, String fileName, List<String> fields) throws IOException {
            this.target = dir.resolve(fileName);
            this.temp = dir.resolve("." + fileName + ".tmp");
            this.sha256 = sha256();
            OutputStream file = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16);
            this.out = new OutputStreamWriter(new DigestOutputStream(file, sha256), StandardCharsets.UTF_8);
            line.append("ContactId");
            for (String field : fields) {
                line.append(',');
                appendCell(line, field);
            }
            line.append(",EmailOptOut,ChangedAt,Direction,Source").append(CsvCells.LINE_END);
            out.write(line.toString());
        }

        /** Appends a contact's row; {@code fieldValues} in the order of the header's fields. */
        public void write(CollapsedChange change, List<String> fieldValues) {
            line.setLength(0);
            appendCell(line, change.contactId());
            for (String value : fieldValues) {
                line.append(',');
                appendCell(line, value);
            }
            line.append(',').append(change.optedOut() ? "TRUE" : "FALSE")
                    .append(',').append(change.changedAt().toString())
                    .append(',').append(change.direction().name())
                    .append(',').append(change.source().name())
                    .append(CsvCells.LINE_END);
            try {
                out.write(line.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            rows++;
        }

        /** Flushes, renames the file into place and returns its row count and sha256. */
        public Written finish() {
            try {
                out.close();
                finished = true;
                moveIntoPlace(temp, target);
                return new Written(target, rows, HexFormat.of().formatHex(sha256.digest()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Discards an unfinished file. */
        @Override
        public void close() throws IOException {
            if (!finished) {
                // On a full disk closing fails too (it flushes what is buffered): delete the file all the same.
                try {
                    out.close();
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
        }
    }

    private static void appendCell(StringBuilder line, String value) {
        line.append(CsvCells.cell(value));
    }

    static String sha256Hex(Path file) {
        MessageDigest digest = sha256();
        try (var in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            return Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            return Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
