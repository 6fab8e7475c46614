package edu.cu.ecomm.optout.marketingcloud;

import java.time.Clock;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The Marketing Cloud client as the bean {@code subscriberStatusClient}, configured from {@code optout.marketing-cloud}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MarketingCloudProperties.class)
class MarketingCloudConfiguration {

    @Bean("subscriberStatusClient")
    SubscriberStatusClient subscriberStatusClient(MarketingCloudProperties properties, Clock clock) {
        // A private mapper: the token exchange needs nothing from the application's Jackson customisation.
        return SubscriberStatusClient.create(properties, new ObjectMapper(), clock);
    }
}
