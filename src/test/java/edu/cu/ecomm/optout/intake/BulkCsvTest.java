package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BulkCsvTest {

    @Test
    void quotedFieldsAreUnquotedAndDoubledQuotesKept() {
        assertThat(BulkCsv.fields("\"003000000000001AAA\",\"true\",\"2026-11-27T10:00:00.000Z\""))
                .containsExactly("003000000000001AAA", "true", "2026-11-27T10:00:00.000Z");
        assertThat(BulkCsv.fields("\"a, \"\"b\"\"\",,\"c\"\r")).containsExactly("a, \"b\"", "", "c");
    }
}
