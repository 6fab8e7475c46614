package edu.cu.ecomm.optout.emulator.salesforce;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.salesforce.api.SalesforceException;
import org.apache.camel.component.salesforce.api.dto.AbstractSObjectBase;
import org.apache.camel.component.salesforce.api.dto.RestError;
import org.apache.camel.component.salesforce.api.dto.SaveSObjectResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * camel-salesforce 4.17's own client (Jetty HTTP, its login, its 401 re-login, its query paging) against the
 * emulator: what the service will do, without the service.
 */
class CamelSalesforceCompatibilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<ContactChangeCommit> commits = new CopyOnWriteArrayList<>();
    private SalesforceHttpEmulator emulator;
    private CamelContext camel;
    private ProducerTemplate template;

    /** The smallest sObject DTO camel-salesforce can serialise for sObject Collections. */
    public static class Contact extends AbstractSObjectBase {
        private Boolean hasOptedOutOfEmail;

        @JsonProperty("HasOptedOutOfEmail")
        public Boolean getHasOptedOutOfEmail() {
            return hasOptedOutOfEmail;
        }

        @JsonProperty("HasOptedOutOfEmail")
        public void setHasOptedOutOfEmail(Boolean hasOptedOutOfEmail) {
            this.hasOptedOutOfEmail = hasOptedOutOfEmail;
        }
    }

    @BeforeEach
    void start() throws Exception {
        emulator = new SalesforceHttpEmulator(commits::add);
        emulator.start();
        camel = CamelSalesforceClients.startedAgainst(emulator);
        template = camel.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        camel.stop();
        emulator.stop();
    }

    private JsonNode raw(String uri, Object body, Map<String, Object> headers) throws Exception {
        try (InputStream in = template.requestBodyAndHeaders(uri, body, headers, InputStream.class)) {
            return JSON.readTree(in);
        }
    }

    @Test
    void queryAndQueryMorePageThroughEveryContact() throws Exception {
        List<String> seeded = emulator.seedContacts(450, 21);
        Map<String, Object> batchOf200 = Map.of("Sforce-Query-Options", "batchSize=200");

        List<String> ids = new ArrayList<>();
        JsonNode page = raw("salesforce:query?rawPayload=true", "SELECT Id, Email FROM Contact", batchOf200);
        page.get("records").forEach(r -> ids.add(r.get("Id").asText()));
        while (!page.get("done").asBoolean()) {
            page = raw("salesforce:queryMore?rawPayload=true", page.get("nextRecordsUrl").asText(), batchOf200);
            page.get("records").forEach(r -> ids.add(r.get("Id").asText()));
        }

        assertThat(ids).containsExactlyElementsOf(seeded);
    }

    @Test
    void getSObjectReadsAContact() throws Exception {
        String id = emulator.createContact(Map.of("LastName", "Lovelace", "Email", "ada@example.com"));

        JsonNode contact = raw("salesforce:getSObject?rawPayload=true&sObjectName=Contact&sObjectFields=Id,Email",
                id, Map.of());

        assertThat(contact.get("Email").asText()).isEqualTo("ada@example.com");
    }

    /** optout.SalesforceRefusals tells "try later" from "refused for good" by these codes. */
    @Test
    void aRefusedReadCarriesSalesforcesErrorCodes() {
        String id = emulator.createContact(Map.of("LastName", "Lovelace"));

        Throwable refused = catchThrowable(() -> raw(
                "salesforce:getSObject?rawPayload=true&sObjectName=Contact&sObjectFields=Id,No_Such_Field__c", id,
                Map.of()));

        assertThat(refused).hasRootCauseInstanceOf(SalesforceException.class);
        SalesforceException refusal = (SalesforceException) refused.getCause();
        assertThat(refusal.getStatusCode()).isEqualTo(400);
        assertThat(refusal.getErrors()).extracting(RestError::getErrorCode).containsExactly("INVALID_FIELD");
    }

    @Test
    void updateSObjectBecomesAChangeCommit() throws Exception {
        String id = emulator.createContact(Map.of("LastName", "Lovelace"));
        commits.clear();

        template.requestBodyAndHeader("salesforce:updateSObject?rawPayload=true&sObjectName=Contact",
                "{\"HasOptedOutOfEmail\":true}", "sObjectId", id);

        assertThat(commits).singleElement().satisfies(c -> {
            assertThat(c.recordIds()).containsExactly(id);
            assertThat(c.changedFields()).contains("HasOptedOutOfEmail");
        });
    }

    @Test
    void compositeCollectionUpdateIsOneCommit() {
        List<String> ids = emulator.seedContacts(20, 4);
        ids.forEach(id -> emulator.updateContact(id, Map.of("HasOptedOutOfEmail", false)));
        commits.clear();
        List<Contact> records = new ArrayList<>();
        for (String id : ids) {
            Contact contact = new Contact();
            contact.getAttributes().setType("Contact");
            contact.setId(id);
            contact.setHasOptedOutOfEmail(true);
            records.add(contact);
        }

        @SuppressWarnings("unchecked")
        List<SaveSObjectResult> results = template.requestBody(
                "salesforce:compositeUpdateSObjectCollections?allOrNone=true", records, List.class);

        assertThat(results).hasSize(20).allSatisfy(r -> assertThat(r.getSuccess()).isTrue());
        assertThat(commits).singleElement().satisfies(c -> assertThat(c.recordIds()).containsExactlyElementsOf(ids));
    }

    @Test
    void anExpiredSessionIsRenewedByLoggingInAgain() throws Exception {
        emulator.seedContacts(3, 1);
        raw("salesforce:query?rawPayload=true", "SELECT Id FROM Contact", Map.of());
        emulator.expireAllTokens();

        JsonNode page = raw("salesforce:query?rawPayload=true", "SELECT Id FROM Contact", Map.of());

        assertThat(page.get("totalSize").asInt()).isEqualTo(3);
    }
}
