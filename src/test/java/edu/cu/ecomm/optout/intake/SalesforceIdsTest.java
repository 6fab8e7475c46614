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
    void eighteenCharacterIdInAnotherLetterCaseIsRestoredFromItsSuffix() {
        assertThat(SalesforceIds.toContactId18("003A0000006VM9RIAC")).contains("003A0000006Vm9rIAC");
        assertThat(SalesforceIds.toContactId18("003a0000006vm9riac")).contains("003A0000006Vm9rIAC");
        // The suffix decides: AAA says no letter is upper-case.
        assertThat(SalesforceIds.toContactId18("003A0000006Vm9rAAA")).contains("003a0000006vm9rAAA");
    }

    @Test
    void eighteenCharacterIdWhoseSuffixCannotFitIsRejected() {
        // B marks the first character of the first group upper-case, but it is the digit 0.
        assertThat(SalesforceIds.toContactId18("003A0000006Vm9rBAC")).isEmpty();
        assertThat(SalesforceIds.whyNotContactId("003A0000006Vm9rBAC")).contains("checksum").contains("IAC");
        assertThat(SalesforceIds.whyNotContactId("003A0000006Vm9r9AC")).contains("checksum");
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
