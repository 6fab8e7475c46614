package edu.cu.ecomm.optout.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import edu.cu.ecomm.optout.ops.CrashPoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Builds a batch's file and manifest in the staging folder: collapse (streamed), enrich 200 contacts at a
 * time, write; then records with the batch the ledger ids the file was built from, its row count and sha256.
 * A resumed batch whose file is still in the staging folder with the recorded sha256 is delivered as it is,
 * byte for byte; only a lost file (e.g. another node resumed the batch) is rebuilt from the ledger.
 */
@Component("batchFileBuilder")
public class BatchFileBuilder {

    /** What a run delivers: the batch file, then its manifest. */
    public record BuiltBatch(AscendBatch batch, Path csv, Path manifest, long changeCount, long rowCount,
                             String sha256) {

        public String csvName() {
            return csv.getFileName().toString();
        }

        public String manifestName() {
            return manifest.getFileName().toString();
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(BatchFileBuilder.class);

    private final BatchCollapser collapser;
    private final ContactFieldLookup lookup;
    private final AscendCsvWriter writer;
    private final JdbcTemplate jdbc;
    private final Path stagingDir;

    public BatchFileBuilder(BatchCollapser collapser, ContactFieldLookup lookup, AscendCsvWriter writer,
                            JdbcTemplate jdbc, @Value("${optout.ascend.staging-dir:data/ascend/staging}") Path stagingDir) {
        this.collapser = collapser;
        this.lookup = lookup;
        this.writer = writer;
        this.jdbc = jdbc;
        this.stagingDir = stagingDir;
    }

    public BuiltBatch build(AscendBatch batch) {
        Path csv = stagingDir.resolve(batch.fileName());
        Path manifest = stagingDir.resolve(batch.manifestName());
        if (batch.sha256() != null && Files.isRegularFile(csv) && Files.isRegularFile(manifest)
                && batch.sha256().equals(AscendCsvWriter.sha256Hex(csv))) {
            LOG.info("Batch {}: delivering the file built by an earlier run, {}", batch.batchId(), csv);
            return new BuiltBatch(batch, csv, manifest, batch.changeCount(), batch.rowCount(), batch.sha256());
        }
        MemberIds.Encoder members = new MemberIds.Encoder();
        AscendCsvWriter.Written written = write(batch, members);
        if (batch.sha256() != null && !batch.sha256().equals(written.sha256())) {
            LOG.warn("Batch {}: the staged file was lost and the rebuilt one differs; sha256 was {}, is {}",
                    batch.batchId(), batch.sha256(), written.sha256());
        }
        writer.writeManifest(stagingDir, batch.manifestName(), new AscendCsvWriter.Manifest(batch.batchId(),
                batch.fileName(), written.rows(), members.count(), written.sha256(), batch.createdAt()));
        // Recorded only while the batch is this run's: the run that took it over marks the changes of its own file.
        int recorded = jdbc.update("update ascend_batch set change_count = ?, row_count = ?, sha256 = ?, member_ids = ?"
                + " where id = ? and state = 'PENDING' and lease_owner = ?", members.count(), written.rows(),
                written.sha256(), members.finish(), batch.id(), batch.leaseOwner());
        if (recorded != 1) {
            throw BatchLease.takenOver(jdbc, batch, "this run stops before sending the file it built");
        }
        LOG.info("Batch {}: wrote {} contacts ({} changes) to {}", batch.batchId(), written.rows(),
                members.count(), written.file());
        return new BuiltBatch(batch, written.file(), manifest, members.count(), written.rows(), written.sha256());
    }

    /**
     * Removes a delivered batch's file and manifest from the staging folder: CU Ascend has them, and the folder
     * would otherwise grow by a file every night. Never fails the delivery: a file that cannot be removed is
     * named in a warning.
     */
    public void removeDelivered(BuiltBatch built) {
        for (Path file : List.of(built.csv(), built.manifest())) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("Batch {}: delivered, but its staged file {} could not be removed ({})",
                        built.batch().batchId(), file, e.toString());
            }
        }
    }

    private AscendCsvWriter.Written write(AscendBatch batch, MemberIds.Encoder members) {
        List<String> fields = lookup.fields();
        try (AscendCsvWriter.CsvFile file = writer.create(stagingDir, batch.fileName(), fields)) {
            CrashPoints.reach("batch-building");
            List<CollapsedChange> pending = new ArrayList<>(ContactFieldLookup.MAX_IDS_PER_QUERY);
            collapser.collapse(batch.highWaterId(), change -> {
                pending.add(change);
                if (pending.size() == ContactFieldLookup.MAX_IDS_PER_QUERY) {
                    writeEnriched(file, pending, fields);
                }
            }, members);
            writeEnriched(file, pending, fields);
            return file.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeEnriched(AscendCsvWriter.CsvFile file, List<CollapsedChange> changes, List<String> fields) {
        if (changes.isEmpty()) {
            return;
        }
        Map<String, List<String>> values = lookup.lookup(changes.stream().map(CollapsedChange::contactId).toList());
        List<String> missing = Collections.nCopies(fields.size(), "");
        for (CollapsedChange change : changes) {
            file.write(change, values.getOrDefault(change.contactId(), missing));
        }
        changes.clear();
    }
}
