package edu.cu.ecomm.optout.emulator;

import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The emulators as beans of the application under test (tests and the local demo). They start before Camel
 * and stop after it, so camel-salesforce logs in against a running org and revokes its token on the way out.
 */
@TestConfiguration(proxyBeanMethods = false)
public class LocalEmulators {

    static final String SALESFORCE = "salesforceEmulator";

    @Bean(name = SALESFORCE, destroyMethod = "stop")
    SalesforceEmulator salesforceEmulator(@Value("${optout.emulator.salesforce.http-port:18080}") int httpPort,
                                          @Value("${optout.emulator.salesforce.grpc-port:17443}") int grpcPort) {
        return SalesforceEmulator.onPorts(httpPort, grpcPort).start();
    }

    /** Makes Camel depend on the emulators: created after them, destroyed before them. */
    @Bean
    static BeanFactoryPostProcessor camelAfterEmulators() {
        return beanFactory -> {
            if (beanFactory.containsBeanDefinition("camelContext")) {
                BeanDefinition camel = beanFactory.getBeanDefinition("camelContext");
                camel.setDependsOn(append(camel.getDependsOn(), SALESFORCE));
            }
        };
    }

    private static String[] append(String[] names, String name) {
        if (names == null) {
            return new String[] {name};
        }
        String[] more = java.util.Arrays.copyOf(names, names.length + 1);
        more[names.length] = name;
        return more;
    }
}
