package edu.cu.ecomm.optout.optout;

import java.util.Set;

import org.apache.camel.component.salesforce.api.SalesforceException;
import org.apache.camel.component.salesforce.api.dto.RestError;
import org.springframework.stereotype.Component;

/**
 * Tells a Salesforce REST refusal that asking again will not change (a field renamed or not readable, an id that is
 * not a Contact's) from one that says "not now": the org's API request limit spent (403 REQUEST_LIMIT_EXCEEDED), a
 * timeout (408), too many requests (429). Those clear up by themselves, so the route opt-out retries them as it
 * retries Salesforce being down, rather than giving up the preference check at once.
 */
@Component("salesforceRefusals")
public class SalesforceRefusals {

    private static final Set<Integer> TRY_LATER_STATUSES = Set.of(408, 429);
    private static final String REQUEST_LIMIT_EXCEEDED = "REQUEST_LIMIT_EXCEEDED";

    /** True for a 4xx answer that asking again will not change. */
    public boolean refusedForGood(Exception error) {
        if (!(error instanceof SalesforceException refusal)) {
            return false;
        }
        int status = refusal.getStatusCode();
        return status >= 400 && status < 500 && !asksToTryLater(refusal);
    }

    private static boolean asksToTryLater(SalesforceException refusal) {
        return TRY_LATER_STATUSES.contains(refusal.getStatusCode()) || (refusal.getErrors() != null
                && refusal.getErrors().stream().map(RestError::getErrorCode).anyMatch(REQUEST_LIMIT_EXCEEDED::equals));
    }
}
