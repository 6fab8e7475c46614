package edu.cu.ecomm.optout.intake;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.Service;
import org.apache.camel.component.salesforce.PubSubApiConsumer;
import org.apache.camel.spi.LifecycleStrategy;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.camel.util.concurrent.SynchronousExecutorService;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wiring the intake route needs before Camel starts it. */
@Configuration(proxyBeanMethods = false)
class IntakeConfiguration {

    /**
     * Registers {@code {{checkpoint:…}}} before the routes are built. A {@code PropertiesFunction} declared as a
     * plain bean is not picked up, hence this hook.
     */
    @Bean
    CamelContextConfiguration resumeFromStoredCheckpoint(IntakeResume resume) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                camelContext.getPropertiesComponent()
                        .addPropertiesFunction(new CheckpointPropertiesFunction(resume));
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                // nothing to do once started
            }
        };
    }

    /**
     * The intake route's {@code aggregate} records a completed group on the thread that completed it (the Pub/Sub
     * stream's thread for a full group, the timeout checker's for a group that waited long enough) instead of
     * handing it to a thread of its own, which is Camel's default. That keeps two promises: Pub/Sub flow control
     * stays the back-pressure (camel-salesforce asks for the next events only once the route has returned, so no
     * queue of events builds up in memory), and groups are recorded strictly in the order they were formed (the
     * timeout checker records while holding the aggregator's lock, so no newer group can form meanwhile).
     */
    @Bean
    CamelContextConfiguration recordGroupsOnTheCompletingThread() {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                // In Camel's registry only: as a Spring bean, an ExecutorService would replace Spring Boot's own.
                camelContext.getRegistry().bind("recordOnCompletingThread", new SynchronousExecutorService());
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                // nothing to do once started
            }
        };
    }

    /**
     * Local emulator only: camel-salesforce offers plaintext gRPC solely through
     * {@link PubSubApiConsumer#setUsePlainTextConnection}, so it is switched on as each consumer is added.
     * Off unless {@code optout.salesforce.pub-sub-plaintext=true}; production always uses TLS.
     */
    @Bean
    @ConditionalOnProperty(name = "optout.salesforce.pub-sub-plaintext", havingValue = "true")
    LifecycleStrategy plaintextPubSubForLocalEmulator() {
        return new LifecycleStrategySupport() {
            @Override
            public void onServiceAdd(CamelContext context, Service service, Route route) {
                if (service instanceof PubSubApiConsumer consumer) {
                    consumer.setUsePlainTextConnection(true);
                }
            }
        };
    }
}
