package edu.cu.ecomm.optout.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

import edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The emulators as beans of the application under test (tests and the local demo). They start before Camel
 * and stop after it, so camel-salesforce logs in against a running org and revokes its token on the way out.
 * Ports default to the local ones of the README; tests pass 0, and {@code EmulatorAddresses} reads the bound ones.
 */
@TestConfiguration(proxyBeanMethods = false)
public class LocalEmulators {

    static final String SALESFORCE = "salesforceEmulator";
    static final String MARKETING_CLOUD = "marketingCloudEmulator";

    @Bean(name = SALESFORCE, destroyMethod = "stop")
    SalesforceEmulator salesforceEmulator(@Value("${optout.emulator.salesforce.http-port:18080}") int httpPort,
                                          @Value("${optout.emulator.salesforce.grpc-port:17443}") int grpcPort,
                                          @Value("${optout.emulator.salesforce.seed-contacts:0}") int seedContacts) {
        SalesforceEmulator salesforce = SalesforceEmulator.onPorts(httpPort, grpcPort).start();
        salesforce.http().seedContacts(seedContacts, 2026);
        return salesforce;
    }

    @Bean(name = MARKETING_CLOUD, destroyMethod = "stop")
    MarketingCloudEmulator marketingCloudEmulator(SalesforceEmulator salesforce,
                                                  @Value("${optout.emulator.marketing-cloud.port:18090}") int port,
                                                  @Value("${optout.emulator.marketing-cloud.seed-demo:false}") boolean seedDemo) {
        try {
            MarketingCloudEmulator marketingCloud = MarketingCloudEmulator.builder().port(port).build().start();
            if (seedDemo) {
                List<String> contactIds = salesforce.http().allContacts().stream()
                        .map(contact -> (String) contact.get("Id")).toList();
                marketingCloud.seedDemo(contactIds);
            }
            return marketingCloud;
        } catch (IOException e) {
            throw new UncheckedIOException("Marketing Cloud emulator could not start on port " + port, e);
        }
    }

    /** Makes Camel depend on the emulators: created after them, destroyed before them. */
    @Bean
    static BeanFactoryPostProcessor camelAfterEmulators() {
        return beanFactory -> {
            if (beanFactory.containsBeanDefinition("camelContext")) {
                BeanDefinition camel = beanFactory.getBeanDefinition("camelContext");
                String[] dependsOn = camel.getDependsOn() == null ? new String[0] : camel.getDependsOn();
                String[] withEmulators = Arrays.copyOf(dependsOn, dependsOn.length + 2);
                withEmulators[dependsOn.length] = SALESFORCE;
                withEmulators[dependsOn.length + 1] = MARKETING_CLOUD;
                camel.setDependsOn(withEmulators);
            }
        };
    }
}
