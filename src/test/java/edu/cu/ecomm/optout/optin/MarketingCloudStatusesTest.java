package edu.cu.ecomm.optout.optin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

import edu.cu.ecomm.optout.marketingcloud.MarketingCloudException;
import edu.cu.ecomm.optout.marketingcloud.SubscriberLookup;

class MarketingCloudStatusesTest {

    @Test
    void withoutAClientALookUpFailsLikeAnUnreachableMarketingCloud() {
        MarketingCloudStatuses statuses = new MarketingCloudStatuses(
                new DefaultListableBeanFactory().getBeanProvider(SubscriberLookup.class));

        assertThatThrownBy(() -> statuses.lookUp(List.of("K"))).isInstanceOf(MarketingCloudException.class);
    }

    @Test
    void usesTheClientWhateverItsBeanName() {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("soapSubscriberClient", new InMemorySubscriberLookup().subscriber("K", 1, "Held"));

        assertThat(new MarketingCloudStatuses(beans.getBeanProvider(SubscriberLookup.class)).lookUp(List.of("K")))
                .singleElement().satisfies(s -> assertThat(s.status()).isEqualTo("Held"));
    }
}
