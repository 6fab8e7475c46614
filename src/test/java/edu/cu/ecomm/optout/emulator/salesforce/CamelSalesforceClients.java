package edu.cu.ecomm.optout.emulator.salesforce;

import java.util.HashMap;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.component.salesforce.AuthenticationType;
import org.apache.camel.component.salesforce.SalesforceComponent;
import org.apache.camel.component.salesforce.SalesforceEndpointConfig;
import org.apache.camel.impl.DefaultCamelContext;

/** camel-salesforce alone, without the service, logged in to an emulated org: the library's view of the emulator. */
public final class CamelSalesforceClients {

    private CamelSalesforceClients() {
    }

    /** A started Camel context whose {@code salesforce:} component uses the emulator's local credentials. */
    public static CamelContext startedAgainst(SalesforceHttpEmulator emulator) {
        CamelContext camel = new DefaultCamelContext();
        camel.addComponent("salesforce", componentFor(emulator));
        camel.start();
        return camel;
    }

    /** A {@code salesforce:} component using the emulator's local credentials, for a context of the caller's. */
    public static SalesforceComponent componentFor(SalesforceHttpEmulator emulator) {
        SalesforceComponent salesforce = new SalesforceComponent();
        salesforce.setLoginUrl(emulator.baseUrl());
        salesforce.setClientId("optout-sync-local");
        salesforce.setClientSecret("local-secret");
        salesforce.setAuthenticationType(AuthenticationType.CLIENT_CREDENTIALS);
        SalesforceEndpointConfig config = new SalesforceEndpointConfig();
        config.setApiVersion("64.0");
        salesforce.setConfig(config);
        // As application.yaml sets it: SOQL GETs naming hundreds of ids need more than Jetty's default 8 KiB.
        salesforce.setHttpClientProperties(new HashMap<>(Map.of("maxRequestHeadersSize", 16_384)));
        return salesforce;
    }
}
