package edu.cu.ecomm.optout.emulator.marketingcloud;

import static edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator.BOULDER_MID;
import static edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator.DENVER_MID;
import static edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator.PARENT_MID;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import edu.cu.ecomm.optout.emulator.marketingcloud.EmulatorSoap.Answer;

/** The emulator's protocol as a raw client sees it. */
class MarketingCloudEmulatorTest {

    private static final String NS = "xmlns=\"http://exacttarget.com/wsdl/partnerAPI\"";

    private MarketingCloudEmulator emulator;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() throws IOException {
        emulator = MarketingCloudEmulator.forTests().start();
    }

    @AfterEach
    void stop() {
        emulator.stop();
    }

    private static String retrieve(String inner) {
        return "<RetrieveRequestMsg " + NS + "><RetrieveRequest><ObjectType>Subscriber</ObjectType>"
                + "<Properties>Client.ID</Properties><Properties>SubscriberKey</Properties><Properties>Status</Properties>"
                + inner + "</RetrieveRequest></RetrieveRequestMsg>";
    }

    @Test
    void theTokenResponseLooksLikeMarketingClouds() throws Exception {
        Answer answer = EmulatorSoap.postToken(emulator, "{\"grant_type\":\"client_credentials\","
                + "\"client_id\":\"optout-sync-local\",\"client_secret\":\"local-secret\",\"account_id\":100000002}");

        assertThat(answer.status()).isEqualTo(200);
        JsonNode token = json.readTree(answer.body());
        assertThat(token.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(token.get("expires_in").asLong()).isEqualTo(1079);
        assertThat(token.get("access_token").asText()).isNotBlank();
        assertThat(token.get("scope").asText()).isNotBlank();
        assertThat(token.get("soap_instance_url").asText()).isEqualTo(emulator.baseUrl() + "/");
        assertThat(token.get("rest_instance_url").asText()).isEqualTo(emulator.baseUrl() + "/");
    }

    @Test
    void badCredentialsAreInvalidClient() throws Exception {
        Answer answer = EmulatorSoap.postToken(emulator, "{\"grant_type\":\"client_credentials\","
                + "\"client_id\":\"optout-sync-local\",\"client_secret\":\"guess\"}");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(json.readTree(answer.body()).get("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void aChildUnitTokenSeesOnlyItsOwnUnitEvenWithQueryAllAccounts() throws Exception {
        emulator.seedEverywhere("K1", "k1@example.edu", "Active");
        Answer tokenAnswer = EmulatorSoap.postToken(emulator, "{\"grant_type\":\"client_credentials\","
                + "\"client_id\":\"optout-sync-local\",\"client_secret\":\"local-secret\",\"account_id\":\"100000003\"}");
        String token = json.readTree(tokenAnswer.body()).get("access_token").asText();

        Answer answer = EmulatorSoap.call(emulator, token, "Retrieve", retrieve("<QueryAllAccounts>true</QueryAllAccounts>"));

        assertThat(answer.body()).contains("<ID>" + DENVER_MID + "</ID>")
                .doesNotContain("<ID>" + PARENT_MID + "</ID>").doesNotContain("<ID>" + BOULDER_MID + "</ID>");
    }

    @Test
    void withoutQueryAllAccountsOrClientIdsOnlyTheTokensUnitAnswers() throws Exception {
        emulator.seedEverywhere("K1", "k1@example.edu", "Active");

        Answer answer = EmulatorSoap.call(emulator, EmulatorSoap.token(emulator), "Retrieve", retrieve(""));

        assertThat(answer.body()).contains("<ID>" + PARENT_MID + "</ID>").doesNotContain("<ID>" + DENVER_MID + "</ID>");
    }

    @Test
    void clientIdsSelectTheUnits() throws Exception {
        emulator.seedEverywhere("K1", "k1@example.edu", "Active");
        String request = "<RetrieveRequestMsg " + NS + "><RetrieveRequest><ClientIDs><ID>" + DENVER_MID
                + "</ID></ClientIDs><ObjectType>Subscriber</ObjectType><Properties>Client.ID</Properties>"
                + "</RetrieveRequest></RetrieveRequestMsg>";

        Answer answer = EmulatorSoap.call(emulator, EmulatorSoap.token(emulator), "Retrieve", request);

        assertThat(answer.body()).contains("<OverallStatus>OK</OverallStatus>").contains("<ID>" + DENVER_MID + "</ID>")
                .doesNotContain("<ID>" + PARENT_MID + "</ID>");
    }

    @Test
    void complexFiltersCombineSimpleOnes() throws Exception {
        emulator.seed(PARENT_MID, "K1", "k1@example.edu", "Active");
        emulator.seed(PARENT_MID, "K2", "k2@example.edu", "Held");
        emulator.seed(PARENT_MID, "K3", "k3@example.edu", "Held");
        emulator.seed(BOULDER_MID, "K4", "k4@example.edu", "Held");
        String filter = "<Filter xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"ComplexFilterPart\">"
                + "<LeftOperand xsi:type=\"SimpleFilterPart\"><Property>SubscriberKey</Property>"
                + "<SimpleOperator>IN</SimpleOperator><Value>k1</Value><Value>K2</Value><Value>K4</Value></LeftOperand>"
                + "<LogicalOperator>AND</LogicalOperator>"
                + "<RightOperand xsi:type=\"SimpleFilterPart\"><Property>Status</Property>"
                + "<SimpleOperator>equals</SimpleOperator><Value>Held</Value></RightOperand></Filter>";

        Answer answer = EmulatorSoap.call(emulator, EmulatorSoap.token(emulator), "Retrieve",
                retrieve(filter + "<QueryAllAccounts>true</QueryAllAccounts>"));

        assertThat(answer.body()).contains("<SubscriberKey>K2</SubscriberKey>", "<SubscriberKey>K4</SubscriberKey>")
                .doesNotContain("<SubscriberKey>K1</SubscriberKey>").doesNotContain("<SubscriberKey>K3</SubscriberKey>");
    }

    @Test
    void anUnknownPropertyIsAnErrorStatusNotAFault() throws Exception {
        String request = "<RetrieveRequestMsg " + NS + "><RetrieveRequest><ObjectType>Subscriber</ObjectType>"
                + "<Properties>ShirtColour</Properties></RetrieveRequest></RetrieveRequestMsg>";

        Answer answer = EmulatorSoap.call(emulator, EmulatorSoap.token(emulator), "Retrieve", request);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("<OverallStatus>Error: The Request Property(s) ShirtColour");
    }

    @Test
    void createAndUpdateSetSubscribersAndStatusesPerUnit() throws Exception {
        String token = EmulatorSoap.token(emulator);

        Answer created = EmulatorSoap.call(emulator, token, "Create",
                EmulatorSoap.createSubscriber(BOULDER_MID, "K9", "k9@example.edu", "Active"));
        Answer duplicate = EmulatorSoap.call(emulator, token, "Create",
                EmulatorSoap.createSubscriber(BOULDER_MID, "K9", "k9@example.edu", "Active"));
        Answer updated = EmulatorSoap.call(emulator, token, "Update",
                EmulatorSoap.updateSubscriber(BOULDER_MID, "K9", "Unsubscribed"));
        Answer missing = EmulatorSoap.call(emulator, token, "Update",
                EmulatorSoap.updateSubscriber(DENVER_MID, "K9", "Active"));
        Answer invalid = EmulatorSoap.call(emulator, token, "Update",
                EmulatorSoap.updateSubscriber(BOULDER_MID, "K9", "Green"));

        assertThat(created.body()).contains("<StatusCode>OK</StatusCode>", "<OverallStatus>OK</OverallStatus>");
        assertThat(duplicate.body()).contains("<StatusCode>Error</StatusCode>", "<ErrorCode>12014</ErrorCode>");
        assertThat(updated.body()).contains("<OverallStatus>OK</OverallStatus>");
        assertThat(missing.body()).contains("<OverallStatus>Error</OverallStatus>");
        assertThat(invalid.body()).contains("<OverallStatus>Error</OverallStatus>");
        assertThat(emulator.subscriber(BOULDER_MID, "K9")).get()
                .satisfies(s -> {
                    assertThat(s.status()).isEqualTo("Unsubscribed");
                    assertThat(s.unsubscribedDate()).isNotNull();
                    assertThat(s.emailAddress()).isEqualTo("k9@example.edu");
                });
        assertThat(emulator.subscriber(DENVER_MID, "K9")).isEmpty();
        assertThat(emulator.createCalls()).isEqualTo(2);
        assertThat(emulator.updateCalls()).isEqualTo(3);
    }

    @Test
    void anUnknownTokenIsALoginFailedSecurityFault() throws Exception {
        Answer answer = EmulatorSoap.call(emulator, "forged", "Retrieve", retrieve(""));

        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.body()).contains("<faultcode>soap:Security</faultcode>", "<faultstring>Login Failed</faultstring>");
    }

    @Test
    void aValidTokenInAFueloauthHeaderOutsideTheExactTargetNamespaceIsALoginFailedSecurityFault() throws Exception {
        String token = EmulatorSoap.token(emulator);

        // Marketing Cloud reads the header as {http://exacttarget.com}fueloauth; a client that drops the
        // namespace sends a header it does not know, so its call is not authenticated at all.
        Answer noNamespace = EmulatorSoap.callWithHeader(emulator, "<fueloauth>" + token + "</fueloauth>", "Retrieve",
                retrieve(""));
        Answer otherNamespace = EmulatorSoap.callWithHeader(emulator,
                "<fueloauth xmlns=\"http://exacttarget.com/wsdl/partnerAPI\">" + token + "</fueloauth>", "Retrieve",
                retrieve(""));

        for (Answer answer : new Answer[] {noNamespace, otherNamespace}) {
            assertThat(answer.status()).isEqualTo(500);
            assertThat(answer.body()).contains("<faultcode>soap:Security</faultcode>", "<faultstring>Login Failed</faultstring>");
        }
        assertThat(EmulatorSoap.callWithHeader(emulator, "<et:fueloauth xmlns:et=\"http://exacttarget.com\">" + token
                + "</et:fueloauth>", "Retrieve", retrieve("")).status()).isEqualTo(200);
    }

    @Test
    void anExpiredTokenIsATokenExpiredClientFault() throws Exception {
        String token = EmulatorSoap.token(emulator);
        emulator.expireAllTokens();

        Answer answer = EmulatorSoap.call(emulator, token, "Retrieve", retrieve(""));

        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.body()).contains("<faultcode>soap:Client</faultcode>", "<faultstring>Token Expired</faultstring>");
    }

    @Test
    void tokensExpireAfterTheConfiguredLifetime() throws Exception {
        emulator.setTokenLifetime(Duration.ZERO);

        Answer answer = EmulatorSoap.call(emulator, EmulatorSoap.token(emulator), "Retrieve", retrieve(""));

        assertThat(answer.body()).contains("Token Expired");
    }

    @Test
    void aRequestWithoutSoapActionIsAClientFault() throws Exception {
        Answer answer = EmulatorSoap.call(emulator, EmulatorSoap.token(emulator), null, retrieve(""));

        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.body()).contains("SOAP Action Could Not Be Determined");
    }

    @Test
    void injectedFaultsAreServerFaultsAndCounted() throws Exception {
        String token = EmulatorSoap.token(emulator);
        emulator.failNextRequests(2);

        Answer first = EmulatorSoap.call(emulator, token, "Retrieve", retrieve(""));
        Answer second = EmulatorSoap.call(emulator, token, "Retrieve", retrieve(""));
        Answer third = EmulatorSoap.call(emulator, token, "Retrieve", retrieve(""));

        assertThat(first.body()).contains("<faultcode>soap:Server</faultcode>");
        assertThat(second.status()).isEqualTo(500);
        assertThat(third.status()).isEqualTo(200);
        assertThat(emulator.retrieveCalls()).isEqualTo(3);
    }

    @Test
    void anUnknownContinueRequestIsAnError() throws Exception {
        String request = "<RetrieveRequestMsg " + NS + "><RetrieveRequest><ObjectType>Subscriber</ObjectType>"
                + "<ContinueRequest>no-such-request</ContinueRequest></RetrieveRequest></RetrieveRequestMsg>";

        Answer answer = EmulatorSoap.call(emulator, EmulatorSoap.token(emulator), "Retrieve", request);

        assertThat(answer.body()).contains("<OverallStatus>Error: Unable to find the continue request");
    }

    @Test
    void anUnavailableEmulatorAnswers503ToEverything() throws Exception {
        emulator.setAvailable(false);

        assertThat(EmulatorSoap.postToken(emulator, "{}").status()).isEqualTo(503);
        assertThat(EmulatorSoap.call(emulator, "t", "Retrieve", retrieve("")).status()).isEqualTo(503);
    }
}
