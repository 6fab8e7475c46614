package edu.cu.ecomm.optout.emulator.salesforce;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.avro.Schema;

/**
 * Encodes field names into the bitmaps Pub/Sub puts in {@code changedFields}, {@code nulledFields} and
 * {@code diffFields}: element 0 is {@code 0x…} whose bit <i>i</i> (least significant first) marks the field at
 * position <i>i</i> of the event schema; each further element {@code p-0x…} marks parts inside the compound field
 * at position <i>p</i>, bit <i>j</i> being the part at position <i>j</i> of that nested record. A compound field
 * with a changed part is marked in element 0 as well.
 *
 * <p>Names are spelled as in {@link ContactChangeCommit}: {@code Email}, or {@code Name.FirstName} for a part.
 */
final class FieldBitmap {

    private final Schema eventSchema;

    FieldBitmap(Schema eventSchema) {
        this.eventSchema = eventSchema;
    }

    List<String> encode(Collection<String> fieldNames) {
        if (fieldNames.isEmpty()) {
            return List.of();
        }
        BigInteger top = BigInteger.ZERO;
        Map<Integer, BigInteger> partsByCompound = new TreeMap<>();
        for (String name : fieldNames) {
            int dot = name.indexOf('.');
            Schema.Field field = field(eventSchema, dot < 0 ? name : name.substring(0, dot), name);
            top = top.setBit(field.pos());
            if (dot >= 0) {
                Schema.Field part = field(compoundRecord(field, name), name.substring(dot + 1), name);
                partsByCompound.merge(field.pos(), BigInteger.ZERO.setBit(part.pos()), BigInteger::or);
            }
        }
        List<String> bitmap = new ArrayList<>();
        bitmap.add(hex(top));
        partsByCompound.forEach((position, parts) -> bitmap.add(position + "-" + hex(parts)));
        return bitmap;
    }

    private static Schema.Field field(Schema record, String name, String asGiven) {
        Schema.Field field = record.getField(name);
        if (field == null) {
            throw new IllegalArgumentException("No field " + asGiven + " in " + record.getFullName());
        }
        return field;
    }

    private static Schema compoundRecord(Schema.Field field, String asGiven) {
        for (Schema branch : field.schema().getTypes()) {
            if (branch.getType() == Schema.Type.RECORD) {
                return branch;
            }
        }
        throw new IllegalArgumentException(asGiven + " names a part, but " + field.name() + " is not compound");
    }

    /** Whole bytes, because common decoders (Salesforce's own Java sample) read the digits two at a time. */
    private static String hex(BigInteger bits) {
        String digits = bits.toString(16);
        return "0x" + (digits.length() % 2 == 0 ? digits : "0" + digits);
    }
}
