package edu.cu.ecomm.optout.emulator.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;

class ChangeEventEncoderTest {

    private static final Instant COMMITTED = Instant.parse("2026-03-02T17:45:12.345Z");
    private static final String CONTACT = "003US00000AbCdEFGH";
    private static final String USER = "005US00000ZyXwVUTS";

    private final ContactChangeEventSchema schema = ContactChangeEventSchema.contact();
    private final ChangeEventEncoder encoder = new ChangeEventEncoder(schema);

    @Test
    void updateRoundTripsThroughAGenericReaderWithOnlyChangedFieldsSet() throws IOException {
        ContactChangeCommit commit = new ContactChangeCommit("UPDATE", List.of(CONTACT),
                Map.of("HasOptedOutOfEmail", true, "FirstName", "Ada", "LastModifiedDate", COMMITTED),
                Set.of("HasOptedOutOfEmail", "Name.FirstName", "LastModifiedDate"), Set.of("Title"),
                "com/salesforce/api/rest/64.0", "0001a2b3-c4d5", 1, COMMITTED, 987_654_321L, USER);

        GenericRecord event = decode(encoder.encode(commit));
        GenericRecord header = (GenericRecord) event.get("ChangeEventHeader");

        assertThat(header.get("entityName")).hasToString("Contact");
        assertThat(strings(header.get("recordIds"))).containsExactly(CONTACT);
        assertThat(header.get("changeType")).hasToString("UPDATE");
        assertThat(header.get("changeOrigin")).hasToString("com/salesforce/api/rest/64.0");
        assertThat(header.get("transactionKey")).hasToString("0001a2b3-c4d5");
        assertThat(header.get("sequenceNumber")).isEqualTo(1);
        assertThat(header.get("commitTimestamp")).isEqualTo(COMMITTED.toEpochMilli());
        assertThat(header.get("commitNumber")).isEqualTo(987_654_321L);
        assertThat(header.get("commitUser")).hasToString(USER);
        // Name 2 (0x04), Title 6 (0x40), HasOptedOutOfEmail 8 (0x0100), LastModifiedDate 15 (0x8000).
        assertThat(strings(header.get("changedFields"))).containsExactly("0x8104", "2-0x02");
        assertThat(strings(header.get("nulledFields"))).containsExactly("0x40");
        assertThat(strings(header.get("diffFields"))).isEmpty();

        assertThat(event.get("HasOptedOutOfEmail")).isEqualTo(true);
        assertThat(event.get("LastModifiedDate")).isEqualTo(COMMITTED.toEpochMilli());
        GenericRecord name = (GenericRecord) event.get("Name");
        assertThat(name.get("FirstName")).hasToString("Ada");
        assertThat(name.get("LastName")).isNull();
        assertThat(event.get("Email")).isNull();
        assertThat(event.get("Title")).isNull();
    }

    @Test
    void gapEventIsHeaderOnly() throws IOException {
        ContactChangeCommit gap = new ContactChangeCommit("GAP_UPDATE", List.of(CONTACT, "003US00000AbCdEXYZ"),
                null, Set.of(), Set.of(), "", "0001a2b3-c4d6", 1, COMMITTED, 42L, USER);

        GenericRecord event = decode(encoder.encode(gap));
        GenericRecord header = (GenericRecord) event.get("ChangeEventHeader");

        assertThat(header.get("changeType")).hasToString("GAP_UPDATE");
        assertThat(strings(header.get("recordIds"))).hasSize(2);
        assertThat(strings(header.get("changedFields"))).isEmpty();
        for (Schema.Field field : schema.schema().getFields().subList(1, schema.schema().getFields().size())) {
            assertThat(event.get(field.name())).as(field.name()).isNull();
        }
    }

    @Test
    void gapOverflowHasNoRecordIds() throws IOException {
        ContactChangeCommit overflow = new ContactChangeCommit("GAP_OVERFLOW", List.of(), Map.of(), Set.of(),
                Set.of(), "", "0001a2b3-c4d7", 1, COMMITTED, 43L, USER);

        GenericRecord header = (GenericRecord) decode(encoder.encode(overflow)).get("ChangeEventHeader");

        assertThat(header.get("changeType")).hasToString("GAP_OVERFLOW");
        assertThat(strings(header.get("recordIds"))).isEmpty();
        assertThat(header.get("commitTimestamp")).isEqualTo(COMMITTED.toEpochMilli());
    }

    private GenericRecord decode(byte[] payload) throws IOException {
        // Read the way camel's PubSubApiClient does: a direct binary decoder, no container header.
        return new GenericDatumReader<GenericRecord>(new Schema.Parser().parse(schema.json()))
                .read(null, DecoderFactory.get().directBinaryDecoder(new ByteArrayInputStream(payload), null));
    }

    private static List<String> strings(Object avroArray) {
        return ((List<?>) avroArray).stream().map(Object::toString).toList();
    }
}
