package edu.cu.ecomm.optout.optout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SalesforceContactsTest {

    private final SalesforceContacts contacts = new SalesforceContacts("Urgent_Resubscribe__c",
            " Pref_Alumni_News__c, Pref_Events__c ,Pref_Giving__c");

    @Test
    void readsNameEmailUrgencyAndCategoriesOfOneContact() {
        ContactPreferences contact = contacts.fromRecord("""
                {"attributes":{"type":"Contact","url":"/services/data/v64.0/sobjects/Contact/003000000000001AAA"},
                 "Id":"003000000000001AAA","Name":"Ada Lovelace","Email":"ada@example.edu",
                 "Urgent_Resubscribe__c":true,"Pref_Alumni_News__c":false,"Pref_Events__c":true,"Pref_Giving__c":null}
                """);

        assertThat(contact.contactId()).isEqualTo("003000000000001AAA");
        assertThat(contact.name()).isEqualTo("Ada Lovelace");
        assertThat(contact.email()).isEqualTo("ada@example.edu");
        assertThat(contact.urgent()).isTrue();
        assertThat(contact.categories()).containsExactly(Map.entry("Pref_Alumni_News__c", false),
                Map.entry("Pref_Events__c", true), Map.entry("Pref_Giving__c", false));
        assertThat(contact.ticked()).containsExactly("Pref_Events__c");
        assertThat(contact.optedOut()).isFalse();
    }

    @Test
    void readsABatchFromAQuery() {
        Map<String, ContactPreferences> batch = contacts.fromQuery("""
                {"totalSize":2,"done":true,"records":[
                 {"attributes":{"type":"Contact"},"Id":"003000000000001AAA","Name":"A","Email":null,
                  "Urgent_Resubscribe__c":false,"Pref_Alumni_News__c":false,"Pref_Events__c":false,"Pref_Giving__c":false},
                 {"attributes":{"type":"Contact"},"Id":"003000000000002AAA","Name":"B","Email":"b@example.edu",
                  "Urgent_Resubscribe__c":true,"Pref_Alumni_News__c":true,"Pref_Events__c":false,"Pref_Giving__c":false,
                  "HasOptedOutOfEmail":true}]}
                """);

        assertThat(batch).containsOnlyKeys("003000000000001AAA", "003000000000002AAA");
        assertThat(batch.get("003000000000001AAA").email()).isNull();
        assertThat(batch.get("003000000000002AAA").urgent()).isTrue();
        assertThat(batch.get("003000000000002AAA").optedOut()).isTrue();
    }

    @Test
    void aQueryAnswerOfMoreThanOnePageIsRefusedRatherThanTruncated() {
        assertThatThrownBy(() -> contacts.fromQuery("""
                {"totalSize":3000,"done":false,"nextRecordsUrl":"/services/data/v64.0/query/01g-2000","records":[]}
                """)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void buildsOneSoqlQueryForABatch() {
        assertThat(contacts.soqlFor(List.of("003000000000001AAA", "003000000000002AAA"))).isEqualTo(
                "SELECT Id,Name,Email,HasOptedOutOfEmail,Urgent_Resubscribe__c,Pref_Alumni_News__c,Pref_Events__c,Pref_Giving__c"
                + " FROM Contact WHERE Id IN ('003000000000001AAA','003000000000002AAA')");
    }

    @Test
    void refusesAnythingButSalesforceIdsInTheQuery() {
        assertThatThrownBy(() -> contacts.soqlFor(List.of("003' OR Name != '"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withoutAnUrgentFieldNoContactIsUrgent() {
        SalesforceContacts noUrgent = new SalesforceContacts("", "Pref_Events__c");

        assertThat(noUrgent.fieldList()).isEqualTo("Id,Name,Email,HasOptedOutOfEmail,Pref_Events__c");
        assertThat(noUrgent.fromRecord("{\"Id\":\"003000000000001AAA\",\"Urgent_Resubscribe__c\":true}").urgent()).isFalse();
    }
}
