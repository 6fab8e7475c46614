package edu.cu.ecomm.optout.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;

class SalesforceSoqlQueriesTest {

    private final ProducerTemplate producer = mock(ProducerTemplate.class);
    private final SalesforceSoqlQueries queries = new SalesforceSoqlQueries(producer);

    @Test
    void followsNextRecordsUrlUntilDone() {
        when(producer.requestBody("salesforce:query?rawPayload=true", "SELECT Id FROM Contact")).thenReturn(stream("""
                {"totalSize": 3, "done": false, "nextRecordsUrl": "/services/data/v64.0/query/01g-2000",
                 "records": [{"attributes": {"type": "Contact"}, "Id": "003000000000001AAA", "Email": "a@x.edu"},
                             {"attributes": {"type": "Contact"}, "Id": "003000000000002AAA", "Email": null}]}
                """));
        when(producer.requestBody("salesforce:queryMore?rawPayload=true", "/services/data/v64.0/query/01g-2000"))
                .thenReturn("""
                {"totalSize": 3, "done": true,
                 "records": [{"attributes": {"type": "Contact"}, "Id": "003000000000003AAA", "Email": "c@x.edu"}]}
                """);

        List<Map<String, Object>> records = queries.query("SELECT Id FROM Contact");

        assertThat(records).extracting(r -> r.get("Id"))
                .containsExactly("003000000000001AAA", "003000000000002AAA", "003000000000003AAA");
        assertThat(records.get(0)).containsEntry("Email", "a@x.edu");
        assertThat(records.get(1)).containsEntry("Email", null);
    }

    private static ByteArrayInputStream stream(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }
}
