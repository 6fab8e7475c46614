package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class BulkQueriesTest {

    @Test
    void aResultsPageIsReadAsItsHeaderThenOneRowAtATimeUnquoted() {
        String page = "\"Id\",\"HasOptedOutOfEmail\",\"Title\"\r\n"
                + "\"003000000000001AAA\",\"true\",\"a, \"\"b\"\"\"\r\n"
                + "\r\n"
                + "\"003000000000002AAA\",\"false\",\"two\nlines\"\r\n";
        List<String> header = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();

        BulkQueries.readPage(new ByteArrayInputStream(page.getBytes(StandardCharsets.UTF_8)), (names, records) -> {
            header.addAll(names);
            records.forEachRemaining(rows::add);
        });

        assertThat(header).containsExactly("Id", "HasOptedOutOfEmail", "Title");
        assertThat(rows).containsExactly(
                List.of("003000000000001AAA", "true", "a, \"b\""),
                List.of("003000000000002AAA", "false", "two\nlines"));
    }

    @Test
    void anEmptyPageReadsNothing() {
        List<String> header = new ArrayList<>();
        BulkQueries.readPage(new ByteArrayInputStream(new byte[0]), (names, records) -> header.addAll(names));
        assertThat(header).isEmpty();
    }
}
