package edu.cu.ecomm.optout.intake;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The data-load guard's deciding rule, without a database: whether the opt-ins of one change event are held.
 *
 * <p>An opt-in is held when its transaction came from a bulk or data-loader client (its {@code changeOrigin}
 * matches one of the patterns), or when its transaction has opted more than {@code maxOptIns} contacts in, counted
 * across every event of the transaction so far. Salesforce splits a transaction into several events (one per
 * distinct change, the same change on many records merged into one event), so one event alone says little: a
 * data load that also touched another field on some records arrives as two or more events of the same
 * {@code transactionKey}. Once a transaction is held, every later opt-in of it is held too, and the earlier ones
 * (recorded while it was still under the limit) are held with it ({@link Decision#crossing()}).
 *
 * <p>Opt-outs never come here: they always flow.
 */
public final class DataLoadRule {

    /** Why a transaction's opt-ins are held. */
    public enum Reason {
        /** Its change origin is a bulk or data-loader client. */
        BULK_ORIGIN,
        /** It opted more than the limit of contacts in. */
        MASS_TRANSACTION
    }

    /** What intake knew about a transaction before this event: opt-ins recorded and whether it is held. */
    public record Tally(int optIns, boolean held) {

        public static final Tally NONE = new Tally(0, false);
    }

    /**
     * @param held     this event's opt-ins are held
     * @param crossing the transaction became held with this event while earlier opt-ins of it were recorded
     *                 unheld: those must be held too
     * @param reason   why it became held with this event (null when it was held before, or is not held)
     * @param detail   the reason with its figures, for the weekly sheet and JMX
     */
    public record Decision(boolean held, boolean crossing, Reason reason, String detail) {
    }

    private final int maxOptIns;
    private final List<Pattern> bulkOrigins;
    private final String unit;

    /**
     * @param maxOptIns   a transaction may opt this many contacts in and flow; one more and it is held
     * @param bulkOrigins regular expressions, matched case-insensitively anywhere in {@code changeOrigin}
     */
    public DataLoadRule(int maxOptIns, List<String> bulkOrigins) {
        this(maxOptIns, bulkOrigins, "transaction");
    }

    /**
     * @param unit what the opt-ins are counted in, for the reason's text: "transaction", or "catch-up" for the
     *             rule that counts a catch-up's opt-ins (whose events were lost) as one unit
     */
    public DataLoadRule(int maxOptIns, List<String> bulkOrigins, String unit) {
        if (maxOptIns < 0) {
            throw new IllegalArgumentException("the data-load guard's limit of opt-ins in one " + unit
                    + " (optout.guard.max-opt-ins, max-catch-up-opt-ins) must be 0 or more, not " + maxOptIns);
        }
        this.maxOptIns = maxOptIns;
        this.unit = unit;
        this.bulkOrigins = bulkOrigins.stream().map(String::trim).filter(p -> !p.isEmpty())
                .map(p -> Pattern.compile(p, Pattern.CASE_INSENSITIVE)).toList();
    }

    /** The first bulk-origin pattern {@code changeOrigin} matches, if any. */
    public Optional<String> bulkOrigin(String changeOrigin) {
        if (changeOrigin == null || changeOrigin.isEmpty()) {
            return Optional.empty();
        }
        return bulkOrigins.stream().filter(p -> p.matcher(changeOrigin).find()).map(Pattern::pattern).findFirst();
    }

    /** Decides the {@code optIns} opt-ins of one event of a transaction whose tally so far is {@code before}. */
    public Decision decide(Tally before, int optIns, String changeOrigin) {
        if (before.held()) {
            return new Decision(true, false, null, null);
        }
        Optional<String> bulk = bulkOrigin(changeOrigin);
        int total = before.optIns() + optIns;
        Reason reason = bulk.isPresent() ? Reason.BULK_ORIGIN : total > maxOptIns ? Reason.MASS_TRANSACTION : null;
        if (reason == null) {
            return new Decision(false, false, null, null);
        }
        String detail = reason == Reason.BULK_ORIGIN
                ? "BULK_ORIGIN: change origin " + changeOrigin + " matches " + bulk.get()
                : "MASS_TRANSACTION: more than " + maxOptIns + " opt-ins in one " + unit;
        return new Decision(true, before.optIns() > 0, reason, detail);
    }

    public int maxOptIns() {
        return maxOptIns;
    }
}
