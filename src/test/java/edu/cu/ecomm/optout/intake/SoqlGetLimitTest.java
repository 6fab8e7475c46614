package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SoqlGetLimitTest {

    @Test
    void countsTheQueryAsCamelSalesforceEncodesItInTheUri() {
        String soql = "SELECT Id FROM Contact WHERE Id IN ('0035e0000000001AAA','0035e0000000002AAA')";

        // Spaces become %20 (three bytes, not URLEncoder's "+"); quotes, commas and brackets three bytes each.
        assertThat(SoqlGetLimit.uriBytes(soql)).isEqualTo("/services/data/v99.0/query/?q=".length()
                + URLEncoder.encode(soql, StandardCharsets.UTF_8).length() + 2 * 7);
    }

    @Test
    void leavesRoomForTheHeadersUnderSalesforcesLimit() {
        assertThat(SoqlGetLimit.MAX_URI_BYTES).isEqualTo(16_384 - 2_048);
        String justFits = "SELECT Id FROM Contact WHERE Name = '" + "x".repeat(SoqlGetLimit.MAX_URI_BYTES) + "'";
        while (!SoqlGetLimit.fits(justFits)) {
            justFits = justFits.substring(0, justFits.length() - 2) + "'";
        }
        assertThat(SoqlGetLimit.uriBytes(justFits)).isEqualTo(SoqlGetLimit.MAX_URI_BYTES);
        assertThat(SoqlGetLimit.fits(justFits.replace("'x", "'xx"))).isFalse();
    }

    @Test
    void longestIdsAreDistinctEighteenCharacterContactIds() {
        assertThat(SoqlGetLimit.longestIds(500)).hasSize(500)
                .allSatisfy(id -> assertThat(id).hasSize(18).startsWith("003").matches("[0-9A-Za-z]+"))
                .doesNotHaveDuplicates();
    }

    @Test
    void aGapReReadOfTwoHundredContactsFitsInOneRequest() {
        String soql = SalesforceOptOutValues.soqlFor(SoqlGetLimit.longestIds(SalesforceOptOutValues.IDS_PER_QUERY));

        assertThat(SoqlGetLimit.fits(soql)).isTrue();
        assertThat(SoqlGetLimit.uriBytes(soql)).isLessThan(SoqlGetLimit.MAX_URI_BYTES / 2);
    }
}
