package edu.cu.ecomm.optout.ops;

import java.time.Instant;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * Runs a catch-up through the route that consumes {@value #ENDPOINT} (body: the time to catch up from, header
 * {@code reason}), when the routes folder has one; the route answers with a report of what it compared and
 * recorded.
 */
@Component
class CatchUpRoute implements CatchUpRequests {

    static final String ENDPOINT = "direct:catch-up";

    private final CamelContext camel;
    private final ProducerTemplate producer;

    CatchUpRoute(CamelContext camel, ProducerTemplate producer) {
        this.camel = camel;
        this.producer = producer;
    }

    @Override
    public String catchUpFrom(Instant from, String reason) {
        boolean routed = camel.getRoutes().stream()
                .anyMatch(route -> route.getEndpoint().getEndpointUri().startsWith("direct://catch-up"));
        if (!routed) {
            return "No catch-up route (" + ENDPOINT + ") in this build";
        }
        Object report = producer.requestBodyAndHeader(ENDPOINT, from, "reason", reason);
        return "Catch-up from " + from + " done: " + report;
    }
}
