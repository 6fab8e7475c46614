package edu.cu.ecomm.optout.optin;

import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import edu.cu.ecomm.optout.marketingcloud.MarketingCloudException;
import edu.cu.ecomm.optout.marketingcloud.SubscriberLookup;
import edu.cu.ecomm.optout.marketingcloud.SubscriberStatus;

/**
 * The opt-in flows' way to the Marketing Cloud client ({@link SubscriberLookup}, whatever its bean name). With
 * no client configured a look-up fails like an unreachable Marketing Cloud: opt-ins wait in their queue and
 * are looked up once a client is there; nothing else stops.
 */
@Component("marketingCloudStatuses")
public class MarketingCloudStatuses {

    private final Supplier<SubscriberLookup> client;

    @Autowired
    public MarketingCloudStatuses(ObjectProvider<SubscriberLookup> client) {
        this((Supplier<SubscriberLookup>) client::getIfAvailable);
    }

    private MarketingCloudStatuses(Supplier<SubscriberLookup> client) {
        this.client = client;
    }

    /** Over a given client (tests). */
    public static MarketingCloudStatuses of(SubscriberLookup client) {
        return new MarketingCloudStatuses(() -> client);
    }

    /** Every record of these subscriber keys in every business unit; see {@link SubscriberLookup#lookUp}. */
    public List<SubscriberStatus> lookUp(Collection<String> subscriberKeys) {
        SubscriberLookup lookup = client.get();
        if (lookup == null) {
            throw new MarketingCloudException("No Marketing Cloud client is configured (no SubscriberLookup bean)");
        }
        return lookup.lookUp(subscriberKeys);
    }
}
