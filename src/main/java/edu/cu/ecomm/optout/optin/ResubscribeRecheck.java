package edu.cu.ecomm.optout.optin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import edu.cu.ecomm.optout.marketingcloud.MarketingCloudException;
import edu.cu.ecomm.optout.marketingcloud.SubscriberStatus;

/**
 * Looks every open re-subscribe request up again before the weekly sheet is exported. A subscriber now green
 * (Active) or no longer found in the unit needs nothing more: its request is closed. The others keep their
 * place on the sheet with the status found today.
 */
@Component("resubscribeRecheck")
public class ResubscribeRecheck {

    private static final Logger LOG = LoggerFactory.getLogger(ResubscribeRecheck.class);

    private final ResubscribeRequests requests;
    private final MarketingCloudStatuses lookup;
    private final int batchSize;

    public ResubscribeRecheck(ResubscribeRequests requests, MarketingCloudStatuses lookup,
                              @Value("${optout.optin.batch-size:250}") int batchSize) {
        this.requests = requests;
        this.lookup = lookup;
        this.batchSize = batchSize;
    }

    /**
     * @return how many requests were closed
     * @throws MarketingCloudException when Marketing Cloud cannot answer; requests re-checked so far keep their result
     */
    public int recheckOpen() {
        // Grouped once by contact (in the order requests.open() returns them), so that each chunk looks up only its
        // own requests: walking every open request for every chunk was quadratic (100k open requests took 51 s).
        Map<String, List<ResubscribeRequest>> openByContact = new LinkedHashMap<>();
        for (ResubscribeRequest request : requests.open()) {
            openByContact.computeIfAbsent(request.contactId(), k -> new ArrayList<>()).add(request);
        }
        List<String> keys = new ArrayList<>(openByContact.keySet());
        int closed = 0;
        for (int from = 0; from < keys.size(); from += batchSize) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + batchSize));
            Map<String, SubscriberStatus> found = new HashMap<>();
            for (SubscriberStatus s : lookup.lookUp(new ArrayList<>(chunk))) {
                found.merge(s.subscriberKey() + ":" + s.mid(), s, (a, b) -> ShirtColour.of(a.status()).needsResubscribe() ? a : b);
            }
            for (ResubscribeRequest request : chunk.stream().flatMap(key -> openByContact.get(key).stream()).toList()) {
                SubscriberStatus now = found.get(request.contactId() + ":" + request.mid());
                String status = now == null ? ShirtColour.ABSENT : now.status();
                ShirtColour colour = ShirtColour.of(status);
                if (colour.needsResubscribe()) {
                    requests.rechecked(request.id(), status, colour);
                } else if (requests.close(request.id(), "Re-checked: " + colour + " (" + status + ")")) {
                    closed++;
                    LOG.info("Re-subscribe request {} closed: contact {} is {} in {}", request.id(),
                            request.contactId(), colour, request.unitName());
                }
            }
        }
        return closed;
    }
}
