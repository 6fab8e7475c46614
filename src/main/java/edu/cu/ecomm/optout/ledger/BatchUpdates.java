package edu.cu.ecomm.optout.ledger;

/** What a JDBC batch of updates or deletes changed. */
public final class BatchUpdates {

    private BatchUpdates() {
    }

    /**
     * The rows {@code JdbcTemplate.batchUpdate} changed in all: the sum of its counts, where a statement a driver
     * reports only as done ({@code Statement.SUCCESS_NO_INFO}, -2) counts as none.
     */
    public static int rowsChanged(int[] counts) {
        int changed = 0;
        for (int count : counts) {
            changed += Math.max(count, 0);
        }
        return changed;
    }
}
