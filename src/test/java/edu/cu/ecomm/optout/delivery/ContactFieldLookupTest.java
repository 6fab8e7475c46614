package edu.cu.ecomm.optout.delivery;

import static edu.cu.ecomm.optout.delivery.DeliveryDatabase.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import edu.cu.ecomm.optout.intake.SoqlGetLimit;

class ContactFieldLookupTest {

    private final List<String> queries = new ArrayList<>();

    @Test
    void queriesAtMostTwoHundredIdsAtATime() {
        ContactFieldLookup lookup = new ContactFieldLookup(soql -> {
            queries.add(soql);
            return List.of();
        }, "Email");
        List<String> ids = IntStream.rangeClosed(1, 450).mapToObj(DeliveryDatabase::contact).toList();

        lookup.lookup(ids);

        assertThat(queries).hasSize(3);
        assertThat(queries).allSatisfy(q -> assertThat(q.split("'003").length - 1).isLessThanOrEqualTo(200));
        assertThat(queries.get(2).split("'003").length - 1).isEqualTo(50);
    }

    @Test
    void asksForIdAndTheConfiguredFieldsOfTheGivenContacts() {
        ContactFieldLookup lookup = new ContactFieldLookup(soql -> List.of(), " Email , Ascend_Id__c ");

        assertThat(lookup.soqlFor(List.of(contact(1), contact(2)))).isEqualTo(
                "SELECT Id, Email, Ascend_Id__c FROM Contact WHERE Id IN ('" + contact(1) + "', '" + contact(2) + "')");
        assertThat(lookup.fields()).containsExactly("Email", "Ascend_Id__c");
    }

    @Test
    void returnsTheFieldValuesPerContactInFieldOrder() {
        ContactFieldLookup lookup = new ContactFieldLookup(soql -> List.of(
                Map.of("attributes", Map.of("type", "Contact"), "Id", contact(1), "Email", "a@example.edu",
                        "Account", Map.of("Name", "CU Boulder")),
                new java.util.HashMap<>(Map.of("Id", contact(2)))), "Email,Account.Name");

        Map<String, List<String>> values = lookup.lookup(List.of(contact(1), contact(2), contact(3)));

        assertThat(values.get(contact(1))).containsExactly("a@example.edu", "CU Boulder");
        assertThat(values.get(contact(2))).containsExactly("", "");
        assertThat(values).doesNotContainKey(contact(3));
    }

    @Test
    void refusesFieldNamesThatWouldChangeTheQuery() {
        assertThatThrownBy(() -> new ContactFieldLookup(soql -> List.of(), "Email FROM User --"))
                .isInstanceOf(IllegalArgumentException.class);
        ContactFieldLookup lookup = new ContactFieldLookup(soql -> List.of(), "Email");
        assertThatThrownBy(() -> lookup.soqlFor(List.of("003' OR Id != '"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFieldListWhoseTwoHundredIdQueryCannotFitInASalesforceRequestIsRefused() {
        String manyFields = IntStream.rangeClosed(1, 250).mapToObj(i -> "Ascend_Matching_Field_" + i + "__c")
                .collect(Collectors.joining(","));

        assertThatThrownBy(() -> new ContactFieldLookup(soql -> List.of(), manyFields))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("optout.ascend.fields").hasMessageContaining("name fewer fields");
        // A realistic list leaves most of the request free.
        ContactFieldLookup usual = new ContactFieldLookup(soql -> List.of(), "Email,Ascend_Id__c,Account.Name");
        assertThat(SoqlGetLimit.uriBytes(usual.soqlFor(SoqlGetLimit.longestIds(ContactFieldLookup.MAX_IDS_PER_QUERY))))
                .isLessThan(SoqlGetLimit.MAX_URI_BYTES / 2);
    }

    @Test
    void noConfiguredFieldsMeansNoQuery() {
        ContactFieldLookup lookup = new ContactFieldLookup(soql -> {
            queries.add(soql);
            return List.of();
        }, "");

        assertThat(lookup.lookup(List.of(contact(1)))).isEmpty();
        assertThat(queries).isEmpty();
    }
}
