package edu.cu.ecomm.optout.optin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import edu.cu.ecomm.optout.emulator.salesforce.CamelSalesforceClients;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceHttpEmulator;
import edu.cu.ecomm.optout.intake.SoqlGetLimit;
import edu.cu.ecomm.optout.optout.ContactPreferences;
import edu.cu.ecomm.optout.optout.SalesforceContacts;

/**
 * A batch of opt-ins is read from Salesforce with one SOQL GET naming every id: the largest batch must fit in
 * Salesforce's request limit with the configured fields, or the service refuses to start.
 */
class OptInBatchQuerySizeTest {

    /** application.yaml's defaults for optout.resubscribe.urgent-field and optout.preferences.fields. */
    private static final SalesforceContacts DEFAULT_FIELDS = new SalesforceContacts("Urgent_Resubscribe__c",
            "Pref_Alumni_News__c,Pref_Events__c,Pref_Giving__c");

    private SalesforceHttpEmulator salesforce;
    private CamelContext camel;

    @BeforeEach
    void start() {
        salesforce = new SalesforceHttpEmulator(commit -> { });
        salesforce.start();
        camel = CamelSalesforceClients.startedAgainst(salesforce);
    }

    @AfterEach
    void stop() {
        camel.stop();
        salesforce.stop();
    }

    private String query(String soql) {
        return camel.createProducerTemplate().requestBody("salesforce:query?rawPayload=true", soql, String.class);
    }

    @Test
    void aFullBatchOf500OptInsWithTheDefaultFieldsIsReadInOneQuery() {
        List<String> ids = salesforce.seedContacts(OptInQueue.MAX_BATCH_SIZE, 7);
        String soql = DEFAULT_FIELDS.soqlFor(ids);

        assertThatNoException().isThrownBy(() -> new OptInBatchQuerySize(DEFAULT_FIELDS, OptInQueue.MAX_BATCH_SIZE));
        Map<String, ContactPreferences> contacts = DEFAULT_FIELDS.fromQuery(query(soql));

        assertThat(contacts).hasSize(OptInQueue.MAX_BATCH_SIZE).containsOnlyKeys(ids);
        // Close to the limit: 500 ids are most of it, which is why the batch size is capped at all.
        assertThat(SoqlGetLimit.uriBytes(soql)).isBetween(13_000, SoqlGetLimit.MAX_URI_BYTES);
    }

    @Test
    void aFieldListWhoseBatchQueryCannotFitIsRefusedAtStartUpNamingTheBatchSizeThatFits() {
        String manyFields = IntStream.rangeClosed(1, 40).mapToObj(i -> "Pref_Newsletter_Category_" + i + "__c")
                .collect(Collectors.joining(","));
        SalesforceContacts wide = new SalesforceContacts("Urgent_Resubscribe__c", manyFields);

        assertThatIllegalArgumentException().isThrownBy(() -> new OptInBatchQuerySize(wide, 500))
                .withMessageContaining("optout.optin.batch-size=500")
                .withMessageContaining("Lower optout.optin.batch-size to at most 477 ");
        assertThatNoException().isThrownBy(() -> new OptInBatchQuerySize(wide, 477));
        // What the check spares the service: a query that does not fit fails on every try, never reaching the API
        // (camel-salesforce's client, set to Salesforce's limit, refuses to send it; Salesforce would answer 414).
        assertThat(SoqlGetLimit.fits(wide.soqlFor(SoqlGetLimit.longestIds(478)))).isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> new OptInBatchQuerySize(wide, 478));
        List<String> ids = salesforce.seedContacts(600, 7);
        assertThatExceptionOfType(CamelExecutionException.class).isThrownBy(() -> query(wide.soqlFor(ids)))
                .withRootCauseInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e).rootCause().hasMessage("Request headers too large"));
    }

    @Test
    void fieldsThatLeaveNoRoomForEvenOneIdAreRefusedAskingForFewerFields() {
        String tooManyFields = IntStream.rangeClosed(1, 600).mapToObj(i -> "Pref_Newsletter_Category_" + i + "__c")
                .collect(Collectors.joining(","));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> new OptInBatchQuerySize(new SalesforceContacts("", tooManyFields), 1))
                .withMessageContaining("Name fewer fields in optout.preferences.fields");
    }
}
