package edu.cu.ecomm.optout.intake;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A decoded {@code ContactChangeEvent}: its header, and the Email Opt Out value when the event carries one.
 *
 * @param hasOptedOutOfEmail the field's value in the payload; null when unchanged (CDC sends unchanged fields as null)
 */
public record ContactChangeEvent(
        String eventId,
        String replayId,
        String changeType,
        List<String> recordIds,
        Set<String> changedFields,
        Boolean hasOptedOutOfEmail,
        String changeOrigin,
        String transactionKey,
        int sequenceNumber,
        Instant commitTimestamp,
        long commitNumber,
        String commitUser) implements ReceivedEvent {

    static final String OPT_OUT_FIELD = "HasOptedOutOfEmail";

    /**
     * The new Email Opt Out value when this event changes it: an UPDATE that lists the field in
     * {@code changedFields}, or a CREATE of an opted-out contact. Anything else is not an opt-out change.
     */
    public Optional<Boolean> optOutChange() {
        if ("UPDATE".equals(changeType) && changedFields.contains(OPT_OUT_FIELD)) {
            return Optional.ofNullable(hasOptedOutOfEmail);
        }
        if ("CREATE".equals(changeType) && Boolean.TRUE.equals(hasOptedOutOfEmail)) {
            return Optional.of(true);
        }
        return Optional.empty();
    }

    /** A GAP_* event: header only, the contacts' values must be read from Salesforce. */
    public boolean isGap() {
        return changeType.startsWith("GAP_");
    }
}
