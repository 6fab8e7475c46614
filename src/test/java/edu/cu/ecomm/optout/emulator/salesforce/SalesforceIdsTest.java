package edu.cu.ecomm.optout.emulator.salesforce;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SalesforceIdsTest {

    @Test
    void suffixEncodesTheCaseOfTheFifteenCharacterId() {
        // The example Salesforce's own documentation converts.
        assertThat(SalesforceIds.to18("001A0000006Vm9r")).isEqualTo("001A0000006Vm9rIAC");
    }

    @Test
    void normalizeAcceptsBothLengthsAndASuffixInAnyCase() {
        assertThat(SalesforceIds.normalize("001A0000006Vm9r", "001")).contains("001A0000006Vm9rIAC");
        assertThat(SalesforceIds.normalize("001A0000006Vm9riac", "001")).contains("001A0000006Vm9rIAC");
    }

    @Test
    void normalizeRefusesAWrongSuffixPrefixOrLength() {
        assertThat(SalesforceIds.normalize("001A0000006Vm9rAAA", "001")).isEmpty();
        assertThat(SalesforceIds.normalize("001A0000006Vm9rIAC", "003")).isEmpty();
        assertThat(SalesforceIds.normalize("001A0000006Vm9", "001")).isEmpty();
        assertThat(SalesforceIds.normalize("001A0000006Vm9r-AC", "001")).isEmpty();
    }

    @Test
    void issuedIdsAreValidAndSortInIssueOrder() {
        SalesforceIds ids = new SalesforceIds();
        List<String> issued = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            issued.add(ids.next(SalesforceIds.CONTACT_PREFIX));
        }
        assertThat(issued).allSatisfy(id -> {
            assertThat(id).hasSize(18).startsWith("003");
            assertThat(SalesforceIds.normalize(id, "003")).contains(id);
        });
        assertThat(issued).isSorted().doesNotHaveDuplicates();
    }
}
