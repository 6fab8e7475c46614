package edu.cu.ecomm.optout.marketingcloud;

import static edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator.BOULDER_MID;
import static edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator.DENVER_MID;
import static edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator.PARENT_MID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xml.sax.SAXException;

import com.fasterxml.jackson.databind.ObjectMapper;

import edu.cu.ecomm.optout.emulator.marketingcloud.EmulatorSoap;
import edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator;
import edu.cu.ecomm.optout.emulator.marketingcloud.PartnerApiSchema;

/**
 * Both sides against Marketing Cloud's published WSDL: every request the client sends and every answer the
 * emulator gives validate against the WSDL's XML schema.
 */
class PartnerApiContractTest {

    private MarketingCloudEmulator emulator;
    private MarketingCloudProperties properties;
    private SubscriberStatusClient client;

    @BeforeEach
    void startEmulator() throws IOException {
        emulator = MarketingCloudEmulator.forTests().start();
        properties = SubscriberStatusClientTest.propertiesFor(emulator);
        client = SubscriberStatusClient.create(properties, new ObjectMapper(), Clock.systemUTC());
        emulator.seed(PARENT_MID, "0035e00000AbCdEAAZ", "alice@example.edu", "Active");
        emulator.seed(BOULDER_MID, "0035e00000AbCdEAAZ", "alice@example.edu", "Bounced");
        emulator.seed(DENVER_MID, "0035e00000AbCdEAAZ", "alice@example.edu", "Unsubscribed");
        emulator.seed(DENVER_MID, "0035e00000BbCdEAAZ", null, "Held");
        emulator.seed(DENVER_MID, "0035e00000CbCdEAAZ", "carol@example.edu", "Deleted");
    }

    @AfterEach
    void stopEmulator() {
        emulator.stop();
    }

    private static final List<String> KEYS = List.of("0035e00000AbCdEAAZ", "0035e00000BbCdEAAZ", "0035e00000CbCdEAAZ");

    @Test
    void theClientsRetrieveAndContinueRequestsFollowTheWsdl() throws Exception {
        emulator.setPageSize(2);

        client.lookUp(KEYS);
        client.lookUp(List.of("0035e00000BbCdEAAZ"));

        List<String> requests = emulator.soapRequests();
        assertThat(requests).hasSize(4); // 5 records in pages of 2, then a single-key look-up
        assertThat(requests.get(0)).contains("<SimpleOperator>IN</SimpleOperator>", "<QueryAllAccounts>true</QueryAllAccounts>");
        assertThat(requests.get(1)).contains("<ContinueRequest>");
        assertThat(requests.get(3)).contains("<SimpleOperator>equals</SimpleOperator>");
        for (String request : requests) {
            PartnerApiSchema.validateBody(request);
        }
    }

    @Test
    void theClientsRequestWithClientIdsFollowsTheWsdl() throws Exception {
        properties.setQueryAllAccounts(false);

        client.lookUp(KEYS);

        assertThat(emulator.lastSoapRequest()).contains("<ClientIDs>");
        PartnerApiSchema.validateBody(emulator.lastSoapRequest());
    }

    @Test
    void theEmulatorsRetrieveResponsesFollowTheWsdl() throws Exception {
        emulator.setPageSize(2);
        List<String> responses = new ArrayList<>();
        String token = EmulatorSoap.token(emulator);
        String first = EmulatorSoap.call(emulator, token, "Retrieve", "<RetrieveRequestMsg"
                + " xmlns=\"http://exacttarget.com/wsdl/partnerAPI\"><RetrieveRequest><ObjectType>Subscriber</ObjectType>"
                + "<Properties>Client.ID</Properties><Properties>ID</Properties><Properties>CreatedDate</Properties>"
                + "<Properties>EmailAddress</Properties><Properties>SubscriberKey</Properties>"
                + "<Properties>UnsubscribedDate</Properties><Properties>Status</Properties>"
                + "<QueryAllAccounts>true</QueryAllAccounts></RetrieveRequest></RetrieveRequestMsg>").body();
        responses.add(first);
        String requestId = first.replaceAll("(?s).*<RequestID>([^<]+)</RequestID>.*", "$1");
        responses.add(EmulatorSoap.call(emulator, token, "Retrieve", "<RetrieveRequestMsg"
                + " xmlns=\"http://exacttarget.com/wsdl/partnerAPI\"><RetrieveRequest><ObjectType>Subscriber</ObjectType>"
                + "<ContinueRequest>" + requestId + "</ContinueRequest></RetrieveRequest></RetrieveRequestMsg>").body());
        client.lookUp(KEYS);
        responses.add(emulator.lastSoapResponse());

        assertThat(responses.get(0)).contains("<OverallStatus>MoreDataAvailable</OverallStatus>", "xsi:type=\"Subscriber\"");
        assertThat(responses.get(1)).contains("<UnsubscribedDate>");
        assertThat(responses.get(2)).contains("<OverallStatus>OK</OverallStatus>");
        for (String response : responses) {
            PartnerApiSchema.validateBody(response);
        }
    }

    @Test
    void theEmulatorsErrorStatusFollowsTheWsdl() throws Exception {
        String answer = EmulatorSoap.call(emulator, EmulatorSoap.token(emulator), "Retrieve", "<RetrieveRequestMsg"
                + " xmlns=\"http://exacttarget.com/wsdl/partnerAPI\"><RetrieveRequest><ObjectType>Subscriber</ObjectType>"
                + "<Properties>Nope</Properties></RetrieveRequest></RetrieveRequestMsg>").body();

        assertThat(answer).contains("<OverallStatus>Error:");
        PartnerApiSchema.validateBody(answer);
    }

    @Test
    void createAndUpdateRequestsAndResponsesFollowTheWsdl() throws Exception {
        String token = EmulatorSoap.token(emulator);
        String create = EmulatorSoap.createSubscriber(BOULDER_MID, "0035e00000DbCdEAAZ", "dan@example.edu", "Active");
        String duplicate = create;
        String update = EmulatorSoap.updateSubscriber(BOULDER_MID, "0035e00000DbCdEAAZ", "Held");

        for (String[] call : new String[][] {{"Create", create}, {"Create", duplicate}, {"Update", update}}) {
            EmulatorSoap.call(emulator, token, call[0], call[1]);
            PartnerApiSchema.validateBody(emulator.lastSoapRequest());
            PartnerApiSchema.validateBody(emulator.lastSoapResponse());
        }
        assertThat(emulator.subscriber(BOULDER_MID, "0035e00000DbCdEAAZ")).get()
                .extracting(s -> s.status()).isEqualTo("Held");
    }

    @Test
    void theSchemaRejectsWhatTheContractDoesNotAllow() {
        String envelope = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\""
                + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><s:Body>%s</s:Body></s:Envelope>";
        String unknownStatus = String.format(envelope, "<RetrieveResponseMsg xmlns=\"http://exacttarget.com/wsdl/partnerAPI\">"
                + "<OverallStatus>OK</OverallStatus><Results xsi:type=\"Subscriber\"><SubscriberKey>K</SubscriberKey>"
                + "<Status>Green</Status></Results></RetrieveResponseMsg>");
        String outOfOrder = String.format(envelope, "<RetrieveRequestMsg xmlns=\"http://exacttarget.com/wsdl/partnerAPI\">"
                + "<RetrieveRequest><Properties>Status</Properties><ObjectType>Subscriber</ObjectType></RetrieveRequest>"
                + "</RetrieveRequestMsg>");
        String badOperator = String.format(envelope, "<RetrieveRequestMsg xmlns=\"http://exacttarget.com/wsdl/partnerAPI\">"
                + "<RetrieveRequest><ObjectType>Subscriber</ObjectType><Filter xsi:type=\"SimpleFilterPart\">"
                + "<Property>SubscriberKey</Property><SimpleOperator>in</SimpleOperator><Value>K</Value></Filter>"
                + "</RetrieveRequest></RetrieveRequestMsg>");
        String good = String.format(envelope, "<RetrieveRequestMsg xmlns=\"http://exacttarget.com/wsdl/partnerAPI\">"
                + "<RetrieveRequest><ObjectType>Subscriber</ObjectType><Filter xsi:type=\"SimpleFilterPart\">"
                + "<Property>SubscriberKey</Property><SimpleOperator>IN</SimpleOperator><Value>K</Value></Filter>"
                + "</RetrieveRequest></RetrieveRequestMsg>");

        assertThatThrownBy(() -> PartnerApiSchema.validateBody(unknownStatus)).isInstanceOf(SAXException.class)
                .hasMessageContaining("Green");
        assertThatThrownBy(() -> PartnerApiSchema.validateBody(outOfOrder)).isInstanceOf(SAXException.class);
        assertThatThrownBy(() -> PartnerApiSchema.validateBody(badOperator)).isInstanceOf(SAXException.class);
        assertThatCode(() -> PartnerApiSchema.validateBody(good)).doesNotThrowAnyException();
    }
}
