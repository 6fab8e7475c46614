package edu.cu.ecomm.optout.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsvCellsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "plain|plain",
            "a,b|\"a,b\"",
            "say \"hi\"|\"say \"\"hi\"\"\"",
            "=HYPERLINK(\"x\")|\"'=HYPERLINK(\"\"x\"\")\"",
            "+1|'+1",
            "-1|'-1",
            "@SUM(A1)|'@SUM(A1)",
            "Zoë|Zoë"})
    void quotesAndNeutralisesCells(String value, String written) {
        assertThat(CsvCells.cell(value)).isEqualTo(written);
    }

    @Test
    void neutralisesLeadingTabAndCarriageReturn() {
        assertThat(CsvCells.cell("\tx")).isEqualTo("'\tx");
        assertThat(CsvCells.cell("\rx")).isEqualTo("\"'\rx\"");
        assertThat(CsvCells.cell("a\nb")).isEqualTo("\"a\nb\"");
    }

    @Test
    void aMissingOrEmptyValueIsAnEmptyCellAndAnEqualsSignInsideACellIsLeftAlone() {
        assertThat(CsvCells.cell(null)).isEmpty();
        assertThat(CsvCells.cell("")).isEmpty();
        assertThat(CsvCells.cell("a=b@example.edu")).isEqualTo("a=b@example.edu");
    }

    @Test
    void aRowIsCommaSeparatedAndEndsWithCrLf() {
        assertThat(CsvCells.row(Arrays.asList("a", null, "", "b c"))).isEqualTo("a,,,b c\r\n");
        assertThat(CsvCells.row(List.of())).isEqualTo("\r\n");
    }
}
