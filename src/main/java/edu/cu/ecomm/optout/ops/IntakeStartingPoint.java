package edu.cu.ecomm.optout.ops;

import java.lang.reflect.Field;

import com.salesforce.eventbus.protobuf.ReplayPreset;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.Service;
import org.apache.camel.component.salesforce.PubSubApiConsumer;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Makes the Pub/Sub consumer start from the checkpoint stored <em>now</em>, every time it starts: at boot, when
 * an admin resumes intake, and when this node takes intake over from a failed cluster leader.
 *
 * <p>The route's {@code {{checkpoint:…}}} placeholders resolve once, when the endpoint is created; camel-salesforce
 * then keeps that replay id in the consumer. Camel calls {@code onServiceAdd} right before it starts a route's
 * consumer (each start, not only the first), so this is where the stored checkpoint is handed to it with
 * {@link PubSubApiConsumer#updateInitialReplayId}. A node that booted before any checkpoint existed built its
 * consumer with preset LATEST, which would ignore the replay id; its preset is switched to CUSTOM (camel-salesforce
 * 4.17 offers no setter for it, hence the reflection, confined to this class).
 */
@Component
class IntakeStartingPoint extends LifecycleStrategySupport {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeStartingPoint.class);

    private final ReplayCheckpoints checkpoints;
    private final String topic;

    IntakeStartingPoint(ReplayCheckpoints checkpoints, @Value("${optout.intake.topic}") String topic) {
        this.checkpoints = checkpoints;
        this.topic = topic;
    }

    @Override
    public void onServiceAdd(CamelContext context, Service service, Route route) {
        if (service instanceof PubSubApiConsumer consumer && topic.equals(consumer.getTopic())) {
            checkpoints.find(topic).ifPresent(checkpoint -> startFrom(consumer, checkpoint.replayId()));
        }
    }

    static void startFrom(PubSubApiConsumer consumer, String replayId) {
        switchToCustomPreset(consumer);
        consumer.updateInitialReplayId(replayId);
        LOG.info("Intake starts from the stored checkpoint {}", replayId);
    }

    private static void switchToCustomPreset(PubSubApiConsumer consumer) {
        try {
            Field preset = PubSubApiConsumer.class.getDeclaredField("initialReplayPreset");
            preset.setAccessible(true);
            if (preset.get(consumer) != ReplayPreset.CUSTOM) {
                preset.set(consumer, ReplayPreset.CUSTOM);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot make the Pub/Sub consumer start from the stored checkpoint;"
                    + " this camel-salesforce version differs from 4.17", e);
        }
    }
}
