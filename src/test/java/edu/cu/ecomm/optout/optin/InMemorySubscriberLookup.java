package edu.cu.ecomm.optout.optin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import edu.cu.ecomm.optout.marketingcloud.MarketingCloudException;
import edu.cu.ecomm.optout.marketingcloud.SubscriberLookup;
import edu.cu.ecomm.optout.marketingcloud.SubscriberStatus;

/**
 * A faithful in-memory stand-in for the Marketing Cloud look-up, for unit tests of the flows: subscribers per
 * business unit with Marketing Cloud's statuses, one record per unit the key exists in, nothing for an
 * absent key, and a {@link MarketingCloudException} while it is "down". It records each call's keys so
 * tests can count calls. Integration tests use the real client against the Marketing Cloud emulator instead.
 */
public class InMemorySubscriberLookup implements SubscriberLookup {

    private final Map<String, Map<Long, SubscriberStatus>> subscribers = new ConcurrentHashMap<>();
    private final List<List<String>> calls = new ArrayList<>();
    private volatile int failuresLeft;

    /** Puts (or replaces) the subscriber {@code key} in unit {@code mid} with {@code status}. */
    public InMemorySubscriberLookup subscriber(String key, long mid, String status) {
        subscribers.computeIfAbsent(key, k -> new TreeMap<>())
                .put(mid, new SubscriberStatus(key, mid, status, key.toLowerCase() + "@example.edu"));
        return this;
    }

    /** The next {@code times} calls fail as if Marketing Cloud answered a fault. */
    public InMemorySubscriberLookup failNext(int times) {
        failuresLeft = times;
        return this;
    }

    public synchronized List<List<String>> calls() {
        return List.copyOf(calls);
    }

    @Override
    public synchronized List<SubscriberStatus> lookUp(Collection<String> subscriberKeys) {
        calls.add(List.copyOf(subscriberKeys));
        if (failuresLeft > 0) {
            failuresLeft--;
            throw new MarketingCloudException("soap:Server: Error retrieving Subscriber (emulated outage)");
        }
        List<SubscriberStatus> found = new ArrayList<>();
        for (String key : subscriberKeys) {
            found.addAll(subscribers.getOrDefault(key, Map.of()).values());
        }
        return found;
    }
}
