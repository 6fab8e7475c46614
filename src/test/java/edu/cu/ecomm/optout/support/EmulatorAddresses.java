package edu.cu.ecomm.optout.support;

import edu.cu.ecomm.optout.emulator.LocalEmulators;
import edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * The emulators of {@link LocalEmulators}, started on the ports the kernel picks (with
 * {@link EmulatedServiceProperties#forEmulatorsOnAnyPort()}), and the service pointed at them. The test framework
 * creates this registrar, and with it the emulators, before any other bean, so the service reads their addresses.
 */
@TestConfiguration(proxyBeanMethods = false)
@Import(LocalEmulators.class)
public class EmulatorAddresses {

    @Bean
    DynamicPropertyRegistrar serviceToEmulators(SalesforceEmulator salesforce, MarketingCloudEmulator marketingCloud) {
        return registry -> EmulatedServiceProperties
                .addresses(salesforce.httpPort(), salesforce.pubSubPort(), marketingCloud.port())
                .forEach((key, value) -> registry.add(key, () -> value));
    }
}
