package edu.cu.ecomm.optout.optout;

import java.util.Set;

import org.apache.camel.component.salesforce.api.SalesforceException;
import org.springframework.stereotype.Component;

/**
 * Tells a Salesforce REST refusal that asking again soon will not change (a field renamed or not readable, an id that
 * is not a Contact's, the org's API request limit spent) from one that says "in a moment": a timeout (408), too many
 * requests at once (429). Those clear up within the route's retries, so the route opt-out retries them as it retries
 * Salesforce being down. The spent API limit (403 REQUEST_LIMIT_EXCEEDED) does not: it lasts until the org's rolling
 * 24-hour count falls, and retrying it would hold every opt-out - and every change dispatched behind it - away from CU
 * Ascend meanwhile. It becomes a dead letter like any other refusal, replayed once the limit has reset.
 */
@Component("salesforceRefusals")
public class SalesforceRefusals {

    private static final Set<Integer> TRY_AGAIN_SOON_STATUSES = Set.of(408, 429);

    /** True for a 4xx answer that asking again within the route's retries will not change. */
    public boolean refusedForGood(Exception error) {
        if (!(error instanceof SalesforceException refusal)) {
            return false;
        }
        int status = refusal.getStatusCode();
        return status >= 400 && status < 500 && !TRY_AGAIN_SOON_STATUSES.contains(status);
    }
}
