package edu.cu.ecomm.optout.optin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShirtColourTest {

    @ParameterizedTest
    @CsvSource({
            "Active, GREEN, false",
            "Bounced, YELLOW, true",
            "Held, GRAY, true",
            "Unsubscribed, RED, true",
            "Deleted, NOT_FOUND, false",
            "NOT_FOUND, NOT_FOUND, false",
            "active, GREEN, false",
            "Quarantined, UNKNOWN, true"})
    void marketingCloudStatusesHaveTheEcommTeamsColours(String status, ShirtColour colour, boolean resubscribe) {
        assertThat(ShirtColour.of(status)).isEqualTo(colour);
        assertThat(ShirtColour.of(status).needsResubscribe()).isEqualTo(resubscribe);
    }

    @Test
    void anAbsentSubscriberIsNotFound() {
        assertThat(ShirtColour.of(null)).isEqualTo(ShirtColour.NOT_FOUND);
        assertThat(ShirtColour.of(" ")).isEqualTo(ShirtColour.NOT_FOUND);
    }
}
