package edu.cu.ecomm.optout.optin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import edu.cu.ecomm.optout.marketingcloud.SubscriberLookup;

class MarketingCloudStatusesTest {

    @Test
    void usesTheClientWhateverItsBeanName() {
        try (AnnotationConfigApplicationContext beans = new AnnotationConfigApplicationContext()) {
            beans.registerBean("soapSubscriberClient", SubscriberLookup.class,
                    () -> new InMemorySubscriberLookup().subscriber("K", 1, "Held"));
            beans.register(MarketingCloudStatuses.class);
            beans.refresh();

            assertThat(beans.getBean(MarketingCloudStatuses.class).lookUp(List.of("K")))
                    .singleElement().satisfies(s -> assertThat(s.status()).isEqualTo("Held"));
        }
    }
}
