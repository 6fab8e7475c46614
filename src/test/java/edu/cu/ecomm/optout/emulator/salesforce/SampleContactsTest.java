package edu.cu.ecomm.optout.emulator.salesforce;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SampleContactsTest {

    @Test
    void theSameSeedGivesTheSameContacts() {
        assertThat(SampleContacts.generate(100, 42)).isEqualTo(SampleContacts.generate(100, 42));
        assertThat(SampleContacts.generate(100, 42)).isNotEqualTo(SampleContacts.generate(100, 43));
    }

    @Test
    void contactsAreVariedWritableAndPartlyOptedOut() {
        List<Map<String, Object>> contacts = SampleContacts.generate(1000, 7);

        assertThat(contacts.stream().map(c -> c.get("FirstName") + " " + c.get("LastName")).distinct().count())
                .isGreaterThan(900);
        assertThat(contacts).extracting(c -> c.get("Ascend_Id__c")).doesNotHaveDuplicates();
        assertThat(contacts).allSatisfy(c -> assertThat((String) c.get("Email")).matches("[a-z0-9._]+@[a-z.]+"));
        assertThat(contacts.stream().filter(c -> (Boolean) c.get("HasOptedOutOfEmail")).count()).isBetween(30L, 130L);
        contacts.forEach(FieldValues::forWrite);
    }
}
