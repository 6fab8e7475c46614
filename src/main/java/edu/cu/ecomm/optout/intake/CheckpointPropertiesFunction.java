package edu.cu.ecomm.optout.intake;

import org.apache.camel.spi.PropertiesFunction;

/**
 * Lets the intake route start where the ledger left off: {@code {{checkpoint:replay-preset}}} is CUSTOM when a
 * usable checkpoint is stored and LATEST when there is none or it is older than the retention window,
 * {@code {{checkpoint:replay-id}}} the stored replay id (empty for LATEST). The decision, and the catch-up that
 * goes with LATEST, is {@link IntakeResume}'s. camel-salesforce keeps replay ids in memory only, so without this
 * a restarted service would start at its configured preset and miss or repeat events.
 */
class CheckpointPropertiesFunction implements PropertiesFunction {

    private final IntakeResume resume;

    CheckpointPropertiesFunction(IntakeResume resume) {
        this.resume = resume;
    }

    @Override
    public String getName() {
        return "checkpoint";
    }

    @Override
    public String apply(String remainder) {
        IntakeResume.StartingPoint start = resume.startingPoint();
        return switch (remainder) {
            case "replay-preset" -> start.replayPreset();
            case "replay-id" -> start.replayId() == null ? "" : start.replayId();
            default -> throw new IllegalArgumentException("unknown checkpoint property '" + remainder
                    + "'; use checkpoint:replay-preset or checkpoint:replay-id");
        };
    }
}
