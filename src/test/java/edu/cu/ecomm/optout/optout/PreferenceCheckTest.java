package edu.cu.ecomm.optout.optout;

import static edu.cu.ecomm.optout.optin.FlowsFixture.contactId;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.optin.FlowsFixture;

class PreferenceCheckTest {

    @AutoClose
    private final FlowsFixture f = new FlowsFixture();

    private static String contactJson(String id, boolean alumni, boolean events, boolean giving) {
        return """
                {"Id":"%s","Name":"Ada Lovelace","Email":"ada@example.edu","HasOptedOutOfEmail":true,
                 "Pref_Alumni_News__c":%s,"Pref_Events__c":%s,"Pref_Giving__c":%s}""".formatted(id, alumni, events, giving);
    }

    @Test
    void preferencesStillTickedAfterAnOptOutAreListed() {
        ContactChange change = f.change(contactId(1), true);

        assertThat(f.preferenceCheck.afterOptOut(change, contactJson(contactId(1), true, false, true))).isTrue();

        assertThat(f.warnings.unlisted()).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(WarningKind.PREFERENCES_NOT_CLEARED);
            assertThat(w.fields()).isEqualTo("Pref_Alumni_News__c,Pref_Giving__c");
            assertThat(w.changeId()).isEqualTo(change.id());
            assertThat(w.contactEmail()).isEqualTo("ada@example.edu");
        });
    }

    @Test
    void clearedPreferencesAfterAnOptOutAreNotAWarning() {
        ContactChange change = f.change(contactId(1), true);

        assertThat(f.preferenceCheck.afterOptOut(change, contactJson(contactId(1), false, false, false))).isTrue();

        assertThat(f.warnings.unlisted()).isEmpty();
    }

    @Test
    void anOptOutCheckedAfterTheContactOptedInAgainIsNotAWarning() {
        ContactChange change = f.change(contactId(1), true);
        String optedInAgain = contactJson(contactId(1), true, true, false).replace("\"HasOptedOutOfEmail\":true",
                "\"HasOptedOutOfEmail\":false");

        assertThat(f.preferenceCheck.afterOptOut(change, optedInAgain)).as("still opted out").isFalse();

        assertThat(f.warnings.unlisted()).isEmpty();
    }

    @Test
    void checkingTheSameOptOutAgainRecordsOneWarning() {
        ContactChange change = f.change(contactId(1), true);

        f.preferenceCheck.afterOptOut(change, contactJson(contactId(1), true, false, false));
        f.preferenceCheck.afterOptOut(change, contactJson(contactId(1), true, false, false));

        assertThat(f.warnings.unlisted()).hasSize(1);
    }

    @Test
    void anUnknownContactIsADeadLetterAndTheChangeStillGoesToAscend() {
        ContactChange change = f.change(contactId(1), true);

        f.preferenceCheck.contactNotFound(change, new IllegalStateException("NOT_FOUND: The requested resource does not exist"),
                0);

        assertThat(f.deadLetters.open()).singleElement().satisfies(d -> {
            assertThat(d.routeId()).isEqualTo("opt-out");
            assertThat(d.contactId()).isEqualTo(contactId(1));
            assertThat(d.reason()).contains("NOT_FOUND");
        });
        assertThat(f.ledger.find(change.id()).orElseThrow().state()).isEqualTo(ChangeState.READY);
    }
}
