package edu.cu.ecomm.optout.marketingcloud;

import java.util.Collection;
import java.util.List;

/**
 * Looks subscribers up in every business unit of the Marketing Cloud account at once.
 */
public interface SubscriberLookup {

    /**
     * Every subscriber record, in any business unit, whose key is one of {@code subscriberKeys}; a key absent
     * from the result is not found anywhere. Batches the keys so that many contacts cost few calls.
     *
     * @throws MarketingCloudException when Marketing Cloud cannot be reached or answers a fault; the caller retries
     */
    List<SubscriberStatus> lookUp(Collection<String> subscriberKeys);
}
