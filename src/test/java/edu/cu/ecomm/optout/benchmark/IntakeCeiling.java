package edu.cu.ecomm.optout.benchmark;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.avro.generic.GenericRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.Service;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.salesforce.AuthenticationType;
import org.apache.camel.component.salesforce.PubSubApiConsumer;
import org.apache.camel.component.salesforce.SalesforceComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.LifecycleStrategySupport;

/**
 * The intake ceiling, run as a JVM of its own by {@link BenchmarksMain}: a bare camel-salesforce
 * {@code pubSubSubscribe} route, same endpoint options as the service's intake route, that only counts events
 * (and the contacts they carry). Whatever the service does per event costs on top of this.
 *
 * <p>Arguments: login URL, Pub/Sub gRPC port, events to wait for. Subscribes at EARLIEST; prints
 * {@code COUNTED <events> <contacts>} when it has them all, then stops.
 */
public final class IntakeCeiling {

    static final String COUNTED = "COUNTED";

    private IntakeCeiling() {
    }

    public static void main(String[] args) throws Exception {
        String loginUrl = args[0];
        int grpcPort = Integer.parseInt(args[1]);
        long expected = Long.parseLong(args[2]);

        AtomicLong events = new AtomicLong();
        AtomicLong contacts = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);

        SalesforceComponent salesforce = new SalesforceComponent();
        salesforce.setLoginUrl(loginUrl);
        salesforce.setClientId("optout-sync-local");
        salesforce.setClientSecret("local-secret");
        salesforce.setAuthenticationType(AuthenticationType.CLIENT_CREDENTIALS);
        salesforce.setPubSubHost("127.0.0.1");
        salesforce.setPubSubPort(grpcPort);

        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addComponent("salesforce", salesforce);
            // The emulator speaks plaintext gRPC, as the service's IntakeConfiguration arranges for it.
            camel.addLifecycleStrategy(new LifecycleStrategySupport() {
                @Override
                public void onServiceAdd(CamelContext context, Service service, Route route) {
                    if (service instanceof PubSubApiConsumer consumer) {
                        consumer.setUsePlainTextConnection(true);
                    }
                }
            });
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("salesforce:pubSubSubscribe:/data/ContactChangeEvent?replayPreset=EARLIEST"
                            + "&pubSubBatchSize=100&pubSubDeserializeType=AVRO")
                            .routeId("bare-pubsub-counter")
                            .process(exchange -> {
                                GenericRecord header = (GenericRecord) exchange.getMessage()
                                        .getBody(GenericRecord.class).get("ChangeEventHeader");
                                contacts.addAndGet(((java.util.List<?>) header.get("recordIds")).size());
                                if (events.incrementAndGet() == expected) {
                                    done.countDown();
                                }
                            });
                }
            });
            camel.start();
            if (!done.await(10, TimeUnit.MINUTES)) {
                System.out.println("TIMEOUT after " + events.get() + " events");
                System.exit(2);
            }
            System.out.println(COUNTED + " " + events.get() + " " + contacts.get());
            System.out.flush();
        }
    }
}
