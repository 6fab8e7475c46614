package edu.cu.ecomm.optout.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.Direction;

class AscendCsvWriterTest {

    @TempDir
    Path dir;

    private final AscendCsvWriter writer = new AscendCsvWriter();

    @Test
    void writesHeaderAndOneRowPerContactInUtf8WithCrlf() throws Exception {
        AscendCsvWriter.Written written;
        try (AscendCsvWriter.CsvFile file = writer.create(dir, "optout-x-1.csv", List.of("Email", "Ascend_Id__c"))) {
            file.write(change("003000000000001AAA", true), List.of("zoë@example.edu", "A-1"));
            file.write(change("003000000000002AAA", false), List.of("b@example.edu", ""));
            written = file.finish();
        }

        assertThat(written.rows()).isEqualTo(2);
        assertThat(Files.readString(written.file(), StandardCharsets.UTF_8)).isEqualTo(
                "ContactId,Email,Ascend_Id__c,EmailOptOut,ChangedAt,Direction,Source\r\n"
                + "003000000000001AAA,zoë@example.edu,A-1,TRUE,2026-11-26T16:00:00Z,OPT_OUT,CDC\r\n"
                + "003000000000002AAA,b@example.edu,,FALSE,2026-11-26T16:00:00Z,OPT_IN,CDC\r\n");
        assertThat(written.sha256()).isEqualTo(AscendCsvWriter.sha256Hex(written.file()));
        assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void anUnfinishedFileLeavesNothingBehind() throws Exception {
        try (AscendCsvWriter.CsvFile file = writer.create(dir, "optout-x-2.csv", List.of())) {
            file.write(change("003000000000001AAA", true), List.of());
        }

        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aFileThatFillsTheDiskLeavesNothingBehind() throws Exception {
        Path full = Path.of("/dev/full"); // Linux: every write fails with "No space left on device"
        assumeTrue(Files.isWritable(full), "needs /dev/full");
        Files.createSymbolicLink(dir.resolve(".optout-x-4.csv.tmp"), full);

        assertThatThrownBy(() -> {
            try (AscendCsvWriter.CsvFile file = writer.create(dir, "optout-x-4.csv", List.of())) {
                for (int i = 0; i < 5_000; i++) { // well past the 64 KB buffer, so the writes themselves fail
                    file.write(change("003000000000001AAA", true), List.of());
                }
                file.finish();
            }
        }).hasRootCauseMessage("No space left on device");

        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void theManifestCarriesBatchIdRowCountAndSha256() throws Exception {
        Path manifest = writer.writeManifest(dir, "optout-x-3.manifest.json", new AscendCsvWriter.Manifest("3",
                "optout-x-3.csv", 2, 5, "ab12", Instant.parse("2026-11-27T08:00:00Z")));

        JsonNode json = new ObjectMapper().readTree(manifest.toFile());
        assertThat(json.get("batchId").asText()).isEqualTo("3");
        assertThat(json.get("fileName").asText()).isEqualTo("optout-x-3.csv");
        assertThat(json.get("rowCount").asLong()).isEqualTo(2);
        assertThat(json.get("sha256").asText()).isEqualTo("ab12");
    }

    private static CollapsedChange change(String contactId, boolean optedOut) {
        return new CollapsedChange(contactId, optedOut, Direction.of(optedOut), Instant.parse("2026-11-26T16:00:00Z"),
                ChangeSource.CDC, 1);
    }
}
