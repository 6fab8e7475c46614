package edu.cu.ecomm.optout.optout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import org.apache.camel.component.salesforce.api.SalesforceException;
import org.apache.camel.component.salesforce.api.dto.RestError;
import org.junit.jupiter.api.Test;

class SalesforceRefusalsTest {

    private final SalesforceRefusals refusals = new SalesforceRefusals();

    private static SalesforceException answer(int status, String errorCode) {
        return new SalesforceException(List.of(new RestError(errorCode, "emulated")), status);
    }

    @Test
    void aFieldSalesforceWillNotReadIsRefusedForGood() {
        assertThat(refusals.refusedForGood(answer(400, "INVALID_FIELD"))).isTrue();
        assertThat(refusals.refusedForGood(answer(403, "INSUFFICIENT_ACCESS"))).isTrue();
    }

    @Test
    void theApiRequestLimitSpentIsRefusedForGoodItLastsLongerThanAnyRetry() {
        assertThat(refusals.refusedForGood(answer(403, "REQUEST_LIMIT_EXCEEDED"))).isTrue();
    }

    @Test
    void timeoutsAndTooManyRequestsAskToTryAgainSoon() {
        assertThat(refusals.refusedForGood(new SalesforceException("Request Timeout", 408))).isFalse();
        assertThat(refusals.refusedForGood(new SalesforceException("Too Many Requests", 429))).isFalse();
    }

    @Test
    void salesforceDownOrUnreachableIsNoRefusal() {
        assertThat(refusals.refusedForGood(answer(503, "SERVER_UNAVAILABLE"))).isFalse();
        assertThat(refusals.refusedForGood(new IOException("Connection refused"))).isFalse();
    }
}
