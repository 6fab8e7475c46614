package edu.cu.ecomm.optout.optin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import edu.cu.ecomm.optout.marketingcloud.MarketingCloudProperties;
import edu.cu.ecomm.optout.marketingcloud.SubscriberStatus;

class BusinessUnitsTest {

    private final BusinessUnits units = new BusinessUnits(properties(
            new MarketingCloudProperties.BusinessUnit(100, "CU System"),
            new MarketingCloudProperties.BusinessUnit(200, "CU Boulder")));

    private static MarketingCloudProperties properties(MarketingCloudProperties.BusinessUnit... units) {
        MarketingCloudProperties properties = new MarketingCloudProperties();
        properties.setBusinessUnits(List.of(units));
        return properties;
    }

    @Test
    void takesTheMarketingCloudClientsUnitsInOrder() {
        assertThat(units.configured()).containsExactly(new BusinessUnit(100, "CU System"),
                new BusinessUnit(200, "CU Boulder"));
    }

    @Test
    void everyConfiguredUnitHasAStatusAndAbsentMeansNotFound() {
        List<UnitStatus> statuses = units.statuses(List.of(new SubscriberStatus("K", 200, "Held", "k@example.edu")));

        assertThat(statuses).extracting(s -> s.unit().name(), UnitStatus::status, UnitStatus::colour).containsExactly(
                org.assertj.core.groups.Tuple.tuple("CU System", "NOT_FOUND", ShirtColour.NOT_FOUND),
                org.assertj.core.groups.Tuple.tuple("CU Boulder", "Held", ShirtColour.GRAY));
    }

    @Test
    void unitsTheAccountReturnsButNobodyConfiguredAreStillReported() {
        List<UnitStatus> statuses = units.statuses(List.of(
                new SubscriberStatus("K", 900, "Unsubscribed", null),
                new SubscriberStatus("K", 100, "Active", null)));

        assertThat(statuses).extracting(s -> s.unit().name()).containsExactly("CU System", "CU Boulder", "MID 900");
        assertThat(statuses.get(2).colour()).isEqualTo(ShirtColour.RED);
    }

    @Test
    void noConfigurationMeansOnlyReturnedUnits() {
        BusinessUnits none = new BusinessUnits(properties());

        assertThat(none.configured()).isEmpty();
        assertThat(none.statuses(List.of(new SubscriberStatus("K", 7, "Bounced", null))))
                .extracting(s -> s.unit().name()).containsExactly("MID 7");
    }
}
