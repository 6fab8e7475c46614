package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SalesforceIdsTest {

    @Test
    void checksumMatchesSalesforcesPublishedExample() {
        // Salesforce's documented pair: 001A0000006Vm9r -> 001A0000006Vm9rIAC
        assertThat(SalesforceIds.checksum("001A0000006Vm9r")).isEqualTo("IAC");
    }

    @Test
    void fifteenCharacterContactIdIsExtendedToEighteen() {
        assertThat(SalesforceIds.toContactId18("003A0000006Vm9r")).contains("003A0000006Vm9rIAC");
    }

    @Test
    void eighteenCharacterContactIdWithRightChecksumIsKept() {
        assertThat(SalesforceIds.toContactId18("003A0000006Vm9rIAC")).contains("003A0000006Vm9rIAC");
    }

    @Test
    void eighteenCharacterIdWithWrongChecksumIsRejected() {
        assertThat(SalesforceIds.toContactId18("003A0000006Vm9rAAA")).isEmpty();
        assertThat(SalesforceIds.whyNotContactId("003A0000006Vm9rAAA")).contains("checksum").contains("IAC");
    }

    @Test
    void accountIdIsNotAContactId() {
        assertThat(SalesforceIds.whyNotContactId("001A0000006Vm9rIAC")).contains("key prefix 001");
    }

    @Test
    void wrongLengthAndForeignCharactersAreRejectedWithTheReason() {
        assertThat(SalesforceIds.whyNotContactId("003A0000")).contains("8 characters");
        assertThat(SalesforceIds.whyNotContactId("003A0000006Vm9-")).contains("position 15");
        assertThat(SalesforceIds.whyNotContactId(null)).contains("missing");
    }
}
