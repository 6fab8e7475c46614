package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

class ContactChangeDecoderTest {

    private static final Schema HEADER = SchemaBuilder.record("ChangeEventHeader").namespace("com.sforce.eventbus")
            .fields()
            .requiredString("entityName")
            .name("recordIds").type().array().items().stringType().noDefault()
            .requiredString("changeType")
            .optionalString("changeOrigin")
            .requiredString("transactionKey")
            .requiredInt("sequenceNumber")
            .requiredLong("commitTimestamp")
            .requiredLong("commitNumber")
            .requiredString("commitUser")
            .name("nulledFields").type().array().items().stringType().noDefault()
            .name("diffFields").type().array().items().stringType().noDefault()
            .name("changedFields").type().array().items().stringType().noDefault()
            .endRecord();

    /** Positions: 0 header, 1 Email, 2 HasOptedOutOfEmail. */
    private static final Schema EVENT = SchemaBuilder.record("ContactChangeEvent").namespace("com.sforce.eventbus")
            .fields()
            .name("ChangeEventHeader").type(HEADER).noDefault()
            .optionalString("Email")
            .optionalBoolean("HasOptedOutOfEmail")
            .endRecord();

    private final ContactChangeDecoder decoder = new ContactChangeDecoder();

    private static GenericRecord event(String entity, String changeType, String changedBitmap, Boolean optedOut) {
        GenericRecord header = new GenericData.Record(HEADER);
        header.put("entityName", new Utf8(entity));
        header.put("recordIds", List.of(new Utf8("003A0000006Vm9rIAC"), new Utf8("003A0000006Vm9s")));
        header.put("changeType", new Utf8(changeType));
        header.put("changeOrigin", new Utf8("com/salesforce/api/rest/64.0"));
        header.put("transactionKey", new Utf8("0001a2b3-c4d5"));
        header.put("sequenceNumber", 1);
        header.put("commitTimestamp", 1_795_000_000_000L);
        header.put("commitNumber", 42L);
        header.put("commitUser", new Utf8("005A0000001abcdEAA"));
        header.put("nulledFields", List.of());
        header.put("diffFields", List.of());
        header.put("changedFields", List.of(new Utf8(changedBitmap)));
        GenericRecord event = new GenericData.Record(EVENT);
        event.put("ChangeEventHeader", header);
        event.put("HasOptedOutOfEmail", optedOut);
        return event;
    }

    @Test
    void updateListingTheOptOutFieldIsAnOptOutChange() {
        ContactChangeEvent decoded = decoder.decode(event("Contact", "UPDATE", "0x4", true), "e-1", "AAE=");
        assertThat(decoded.optOutChange()).contains(true);
        assertThat(decoded.recordIds()).containsExactly("003A0000006Vm9rIAC", "003A0000006Vm9s");
        assertThat(decoded.changedFields()).containsExactly("HasOptedOutOfEmail");
        assertThat(decoded.commitUser()).isEqualTo("005A0000001abcdEAA");
    }

    @Test
    void updateOfAnotherFieldIsNotAnOptOutChange() {
        assertThat(decoder.decode(event("Contact", "UPDATE", "0x2", null), "e-1", "AAE=").optOutChange()).isEmpty();
    }

    @Test
    void createOfAnOptedOutContactIsAnOptOutChangeAndOfAnOptedInOneIsNot() {
        assertThat(decoder.decode(event("Contact", "CREATE", "0x6", true), "e-1", "AAE=").optOutChange())
                .contains(true);
        assertThat(decoder.decode(event("Contact", "CREATE", "0x6", false), "e-1", "AAE=").optOutChange())
                .isEmpty();
    }

    @Test
    void eventForAnotherEntityIsUndecodable() {
        assertThatThrownBy(() -> decoder.decode(event("Lead", "UPDATE", "0x4", true), "e-1", "AAE="))
                .isInstanceOf(UndecodableEventException.class).hasMessageContaining("'Lead'");
    }

    @Test
    void bodyThatIsNotAnAvroRecordIsUndecodable() {
        assertThatThrownBy(() -> decoder.decode("{}", "e-1", "AAE="))
                .isInstanceOf(UndecodableEventException.class).hasMessageContaining("java.lang.String");
    }
}
