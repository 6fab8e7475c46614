package edu.cu.ecomm.optout.delivery;

import java.time.Instant;

/**
 * A batch of ledger changes on its way to CU Ascend, as a run claimed it.
 *
 * @param id          batch id; also the ledger rows' {@code batch_id} once delivered, and part of the file name
 * @param createdAt   when it was first claimed
 * @param fileName    {@code optout-<yyyyMMdd-HHmmss>-<id>.csv}, fixed at the first claim
 * @param highWaterId the batch takes the READY changes with a ledger id up to this one
 * @param changeCount ledger rows in the file once built, else null
 * @param rowCount    contacts in the file once built, else null
 * @param sha256      of the built file, else null
 * @param attempts    runs that tried to deliver it, this one included
 * @param resumed     true when this run resumed a batch an earlier run failed to deliver
 * @param leaseOwner  this run's claim on the batch
 */
public record AscendBatch(long id, Instant createdAt, String fileName, long highWaterId, Integer changeCount,
                          Integer rowCount, String sha256, int attempts, boolean resumed, String leaseOwner) {

    /** The batch id as the ledger and the manifest carry it. */
    public String batchId() {
        return Long.toString(id);
    }

    /** The companion manifest's name: the file name with {@code .manifest.json} for {@code .csv}. */
    public String manifestName() {
        return fileName.replaceFirst("\\.csv$", "") + ".manifest.json";
    }
}
