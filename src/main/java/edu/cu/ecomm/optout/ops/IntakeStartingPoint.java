package edu.cu.ecomm.optout.ops;

import java.lang.reflect.Field;

import com.salesforce.eventbus.protobuf.ReplayPreset;
import edu.cu.ecomm.optout.intake.IntakeResume;
import edu.cu.ecomm.optout.intake.IntakeResume.StartingPoint;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.Service;
import org.apache.camel.component.salesforce.PubSubApiConsumer;
import org.apache.camel.support.LifecycleStrategySupport;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Makes the Pub/Sub consumer start from the checkpoint stored <em>now</em>, every time it starts: at boot, when
 * an admin resumes intake, and when this node takes intake over from a failed cluster leader.
 *
 * <p>The route's {@code {{checkpoint:…}}} placeholders resolve once, when the endpoint is created; camel-salesforce
 * then keeps that starting point in the consumer. Camel calls {@code onServiceAdd} right before it starts a route's
 * consumer (each start, not only the first), so this is where {@link IntakeResume#forStart()} decides where this
 * start begins (after the checkpoint stored now; LATEST plus a catch-up when it is older than the retention
 * window) and the decision is handed to
 * the consumer with {@link PubSubApiConsumer#updateInitialReplayId}. camel-salesforce 4.17 offers no setter for the
 * replay preset a consumer was built with (a standby node built before any checkpoint existed has LATEST), hence
 * the reflection, confined to this class.
 */
@Component
class IntakeStartingPoint extends LifecycleStrategySupport {

    /** Lazy: Camel collects lifecycle strategies while it is configured, before the beans intake needs exist. */
    private final ObjectProvider<IntakeResume> resume;
    private final String topic;

    IntakeStartingPoint(ObjectProvider<IntakeResume> resume, @Value("${optout.intake.topic}") String topic) {
        this.resume = resume;
        this.topic = topic;
    }

    @Override
    public void onServiceAdd(CamelContext context, Service service, Route route) {
        if (service instanceof PubSubApiConsumer consumer && topic.equals(consumer.getTopic())) {
            startFrom(consumer, resume.getObject().forStart());
        }
    }

    static void startFrom(PubSubApiConsumer consumer, StartingPoint start) {
        setPreset(consumer, ReplayPreset.valueOf(start.replayPreset()));
        consumer.updateInitialReplayId(start.replayId());
    }

    private static void setPreset(PubSubApiConsumer consumer, ReplayPreset wanted) {
        try {
            Field preset = PubSubApiConsumer.class.getDeclaredField("initialReplayPreset");
            preset.setAccessible(true);
            if (preset.get(consumer) != wanted) {
                preset.set(consumer, wanted);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot set where the Pub/Sub consumer starts; this camel-salesforce"
                    + " version differs from 4.17", e);
        }
    }
}
