package edu.cu.ecomm.optout.emulator.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class ContactChangeEventSchemaTest {

    private final ContactChangeEventSchema contact = ContactChangeEventSchema.contact();

    @Test
    void headerFirstThenContactFieldsInListOrder() {
        List<String> names = contact.schema().getFields().stream().map(Schema.Field::name).toList();

        assertThat(contact.schema().getFullName()).isEqualTo("com.sforce.eventbus.ContactChangeEvent");
        assertThat(names.get(0)).isEqualTo("ChangeEventHeader");
        assertThat(names.subList(1, names.size()))
                .isEqualTo(ContactFields.EVENT_FIELDS.stream().map(ContactFields.Field::name).toList());
        assertThat(names.indexOf("HasOptedOutOfEmail")).isEqualTo(8);
    }

    @Test
    void headerCarriesTheChangeEventHeaderFieldsAndChangeTypeEnum() {
        Schema header = contact.schema().getField("ChangeEventHeader").schema();

        assertThat(header.getFullName()).isEqualTo("com.sforce.eventbus.ChangeEventHeader");
        assertThat(header.getFields()).extracting(Schema.Field::name).containsExactly("entityName", "recordIds",
                "changeType", "changeOrigin", "transactionKey", "sequenceNumber", "commitTimestamp",
                "commitNumber", "commitUser", "nulledFields", "diffFields", "changedFields");
        assertThat(header.getField("changeType").schema().getEnumSymbols()).contains("UPDATE", "GAP_OVERFLOW");
    }

    @Test
    void everyContactFieldIsNullableWithNullDefault() {
        Schema.Field optOut = contact.schema().getField("HasOptedOutOfEmail");
        Schema.Field created = contact.schema().getField("CreatedDate");

        assertThat(optOut.schema().getTypes()).extracting(Schema::getType)
                .containsExactly(Schema.Type.NULL, Schema.Type.BOOLEAN);
        assertThat(created.schema().getTypes()).extracting(Schema::getType)
                .containsExactly(Schema.Type.NULL, Schema.Type.LONG);
        assertThat(optOut.hasDefaultValue()).isTrue();
        assertThat(optOut.defaultVal()).isEqualTo(JsonProperties.NULL_VALUE);
    }

    @Test
    void compoundNameIsANestedRecordOfNullableParts() {
        Schema name = contact.schema().getField("Name").schema().getTypes().get(1);

        assertThat(name.getFullName()).isEqualTo("com.sforce.eventbus.Switchable_PersonName");
        assertThat(name.getFields()).extracting(Schema.Field::name)
                .containsExactly("Salutation", "FirstName", "LastName");
        assertThat(name.getField("FirstName").schema().isNullable()).isTrue();
    }

    @Test
    void idIsAStableFingerprintOfTheJson() {
        assertThat(contact.id()).hasSize(22).isEqualTo(ContactChangeEventSchema.contact().id());
        assertThat(new Schema.Parser().parse(contact.json())).isEqualTo(contact.schema());
    }
}
