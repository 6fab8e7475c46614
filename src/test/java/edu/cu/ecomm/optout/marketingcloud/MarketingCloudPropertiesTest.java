package edu.cu.ecomm.optout.marketingcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

import edu.cu.ecomm.optout.marketingcloud.MarketingCloudProperties.BusinessUnit;

/** The admin's application.yaml binds to the client's configuration, by default and in the local profile. */
class MarketingCloudPropertiesTest {

    private static List<PropertySource<?>> documents() throws IOException {
        return new YamlPropertySourceLoader().load("application.yaml", new FileSystemResource("application.yaml"));
    }

    private static MarketingCloudProperties bind(List<PropertySource<?>> sources) {
        Binder binder = new Binder(ConfigurationPropertySources.from(sources),
                new PropertySourcesPlaceholdersResolver(sources));
        return binder.bind("optout.marketing-cloud", MarketingCloudProperties.class).get();
    }

    @Test
    void theDefaultsNeedOnlyTheEnvironmentsCredentials() throws IOException {
        MarketingCloudProperties defaults = bind(List.of(documents().get(0)));

        assertThat(defaults.getAuthBaseUrl()).isEmpty();
        assertThat(defaults.getClientSecret()).isEmpty();
        assertThat(defaults.getAccountId()).isNull();
        assertThat(defaults.getBatchSize()).isEqualTo(200);
        assertThat(defaults.isQueryAllAccounts()).isTrue();
        assertThat(defaults.getRequestTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.getBusinessUnits()).isEmpty();
    }

    @Test
    void theLocalProfilePointsAtTheEmulatorsThreeUnits() throws IOException {
        List<PropertySource<?>> documents = documents();
        // The local document overrides the default one.
        MarketingCloudProperties local = bind(List.of(documents.get(1), documents.get(0)));

        assertThat(local.getAuthBaseUrl()).isEqualTo("http://127.0.0.1:18090");
        assertThat(local.getClientId()).isEqualTo("optout-sync-local");
        assertThat(local.getAccountId()).isEqualTo(100000001L);
        assertThat(local.getBusinessUnits()).extracting(BusinessUnit::getMid, BusinessUnit::getName)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(100000001L, "CU System"),
                        org.assertj.core.groups.Tuple.tuple(100000002L, "CU Boulder"),
                        org.assertj.core.groups.Tuple.tuple(100000003L, "CU Denver"));
        assertThat(local.toString()).doesNotContain("local-secret");
    }
}
