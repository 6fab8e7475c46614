package edu.cu.ecomm.optout.optin;

import java.util.Collection;
import java.util.List;

import org.springframework.stereotype.Component;

import edu.cu.ecomm.optout.marketingcloud.SubscriberLookup;
import edu.cu.ecomm.optout.marketingcloud.SubscriberStatus;

/**
 * The opt-in flows' way to the Marketing Cloud client ({@link SubscriberLookup}, found by type whatever its bean
 * name), under the one name the routes call.
 */
@Component("marketingCloudStatuses")
public class MarketingCloudStatuses {

    private final SubscriberLookup client;

    public MarketingCloudStatuses(SubscriberLookup client) {
        this.client = client;
    }

    /** Every record of these subscriber keys in every business unit; see {@link SubscriberLookup#lookUp}. */
    public List<SubscriberStatus> lookUp(Collection<String> subscriberKeys) {
        return client.lookUp(subscriberKeys);
    }
}
