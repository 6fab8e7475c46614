package edu.cu.ecomm.optout.emulator.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FieldBitmapTest {

    private final FieldBitmap contact = new FieldBitmap(ContactChangeEventSchema.contact().schema());

    @Test
    void optOutFlagIsBitEightPaddedToWholeBytes() {
        // Header is 0, AccountId 1, Name 2, Phone 3, MobilePhone 4, Email 5, Title 6, Department 7.
        assertThat(contact.encode(Set.of("HasOptedOutOfEmail"))).containsExactly("0x0100");
    }

    @Test
    void changedNamePartMarksTheCompoundAndItsPart() {
        // Name at 2 (bit 0x04), LastModifiedDate at 15 (0x8000); FirstName is part 1 of the name record.
        assertThat(contact.encode(Set.of("Name.FirstName", "Name.LastName", "LastModifiedDate")))
                .containsExactly("0x8004", "2-0x06");
    }

    @Test
    void positionsBeyondSixtyFourStayExact() {
        List<ContactFields.Field> fields = new ArrayList<>();
        for (int i = 1; i <= 70; i++) {
            fields.add(ContactFields.Field.of("Field" + i + "__c", ContactFields.Type.BOOLEAN));
        }
        FieldBitmap wide = new FieldBitmap(ContactChangeEventSchema.of(fields).schema());

        // Bits 1, 64 and 70: 2^70 + 2^64 + 2.
        assertThat(wide.encode(Set.of("Field1__c", "Field64__c", "Field70__c")))
                .containsExactly("0x410000000000000002");
    }

    @Test
    void noFieldsIsAnEmptyBitmap() {
        assertThat(contact.encode(Set.of())).isEmpty();
    }

    @Test
    void unknownFieldIsRejected() {
        assertThatThrownBy(() -> contact.encode(Set.of("Fax"))).hasMessageContaining("Fax");
        assertThatThrownBy(() -> contact.encode(Set.of("Email.Domain"))).hasMessageContaining("not compound");
    }
}
