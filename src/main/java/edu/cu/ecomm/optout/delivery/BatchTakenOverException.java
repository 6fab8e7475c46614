package edu.cu.ecomm.optout.delivery;

/**
 * Another run holds the lease of the batch this run was delivering (it took the batch over, see
 * {@link BatchLease}): this run must send and mark nothing more of it, so that CU Ascend never gets one batch from
 * two runs, nor an older file after a newer one. The route ends the run with a warning; the batch is the other
 * run's to deliver.
 */
public class BatchTakenOverException extends IllegalStateException {

    BatchTakenOverException(AscendBatch batch, String newOwner, String whatThisRunLeaves) {
        super("batch " + batch.batchId() + " was taken over by another run (" + newOwner + ") while this run ("
                + batch.leaseOwner() + ") was delivering it; " + whatThisRunLeaves);
    }
}
