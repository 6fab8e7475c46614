package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class FieldBitmapsTest {

    /** Header at 0, Name (compound) at 1, then plain fields f2..f{width-1}. */
    private static Schema eventSchema(int width) {
        Schema name = SchemaBuilder.record("Switchable_PersonName").namespace("com.sforce.eventbus").fields()
                .optionalString("Salutation").optionalString("FirstName").optionalString("LastName").endRecord();
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("WideChangeEvent")
                .namespace("com.sforce.eventbus").fields()
                .name("ChangeEventHeader").type().stringType().noDefault()
                .name("Name").type().unionOf().nullType().and().type(name).endUnion().nullDefault();
        for (int i = 2; i < width; i++) {
            fields = fields.optionalBoolean("f" + i);
        }
        return fields.endRecord();
    }

    @Test
    void lowBitsNameTheFieldsAtThosePositions() {
        // bits 2 and 3: 0b1100
        assertThat(FieldBitmaps.fieldNames(eventSchema(10), List.of("0xC"))).containsExactly("f2", "f3");
    }

    @Test
    void positionsBeyondSixtyFourAreRead() {
        Schema schema = eventSchema(130);
        String bitmap = "0x" + java.math.BigInteger.ONE.shiftLeft(129).or(java.math.BigInteger.ONE.shiftLeft(70))
                .or(java.math.BigInteger.valueOf(4)).toString(16);
        assertThat(FieldBitmaps.fieldNames(schema, List.of(bitmap))).containsExactly("f2", "f70", "f129");
    }

    @Test
    void compoundEntryNamesPartsOfTheCompoundField() {
        // position 1 is Name; 0x6 marks its parts 1 and 2 (FirstName, LastName)
        assertThat(FieldBitmaps.fieldNames(eventSchema(70), List.of("0x10", "1-0x6")))
                .containsExactly("f4", "Name.FirstName", "Name.LastName");
    }

    @Test
    void bitBeyondTheSchemaIsUndecodable() {
        assertThatThrownBy(() -> FieldBitmaps.fieldNames(eventSchema(5), List.of("0x40")))
                .isInstanceOf(UndecodableEventException.class).hasMessageContaining("position 6");
    }

    @Test
    void nonHexBitmapIsUndecodable() {
        assertThatThrownBy(() -> FieldBitmaps.fieldNames(eventSchema(5), List.of("0xZZ")))
                .isInstanceOf(UndecodableEventException.class).hasMessageContaining("not hexadecimal");
    }

    @Test
    void compoundEntryOnAPlainFieldIsUndecodable() {
        assertThatThrownBy(() -> FieldBitmaps.fieldNames(eventSchema(5), List.of("3-0x1")))
                .isInstanceOf(UndecodableEventException.class).hasMessageContaining("not compound");
    }
}
