package edu.cu.ecomm.optout.intake;

import java.util.Optional;

import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints.Checkpoint;
import org.apache.camel.spi.PropertiesFunction;

/**
 * Lets the intake route start where the ledger left off: {@code {{checkpoint:replay-preset}}} is CUSTOM when a
 * checkpoint is stored and LATEST when there is none, {@code {{checkpoint:replay-id}}} the stored replay id
 * (empty without one). camel-salesforce keeps replay ids in memory only, so without this a restarted service
 * would start at its configured preset and miss or repeat events.
 */
class CheckpointPropertiesFunction implements PropertiesFunction {

    private final ReplayCheckpoints checkpoints;
    private final String topic;

    CheckpointPropertiesFunction(ReplayCheckpoints checkpoints, String topic) {
        this.checkpoints = checkpoints;
        this.topic = topic;
    }

    @Override
    public String getName() {
        return "checkpoint";
    }

    @Override
    public String apply(String remainder) {
        Optional<Checkpoint> stored = checkpoints.find(topic);
        return switch (remainder) {
            case "replay-preset" -> stored.isPresent() ? "CUSTOM" : "LATEST";
            case "replay-id" -> stored.map(Checkpoint::replayId).orElse("");
            default -> throw new IllegalArgumentException("unknown checkpoint property '" + remainder
                    + "'; use checkpoint:replay-preset or checkpoint:replay-id");
        };
    }
}
