package edu.cu.ecomm.optout.intake;

import java.math.BigInteger;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.avro.Schema;

/**
 * Expands the Pub/Sub API's field bitmaps ({@code changedFields}, {@code nulledFields}, {@code diffFields}) into
 * field names. The first element is a hex string whose bit i (least significant first) marks the field at
 * position i of the event schema; an element {@code p-0x…} marks fields inside the compound field at position
 * p, which come out as {@code Parent.Child}. The bitmap is as wide as the schema, so more than 64 fields is
 * normal: {@link BigInteger} reads any width.
 */
public final class FieldBitmaps {

    private FieldBitmaps() {
    }

    /**
     * @throws UndecodableEventException when an element is not a bitmap, or marks a position the schema lacks
     */
    public static Set<String> fieldNames(Schema eventSchema, List<? extends CharSequence> bitmaps) {
        Set<String> names = new LinkedHashSet<>();
        if (bitmaps == null) {
            return names;
        }
        for (CharSequence element : bitmaps) {
            String bitmap = element.toString();
            int dash = bitmap.indexOf("-0x");
            if (bitmap.startsWith("0x")) {
                addMarked(eventSchema, hex(bitmap, 2), "", names);
            } else if (dash > 0) {
                int position = position(bitmap.substring(0, dash), bitmap);
                Schema.Field compound = fieldAt(eventSchema, position, bitmap);
                Schema compoundSchema = recordOf(compound.schema(), bitmap);
                addMarked(compoundSchema, hex(bitmap, dash + 3), compound.name() + ".", names);
            } else {
                throw new UndecodableEventException("field bitmap element '" + bitmap + "' is neither 0x… nor p-0x…");
            }
        }
        return names;
    }

    private static void addMarked(Schema schema, BigInteger bits, String prefix, Set<String> names) {
        for (int i = bits.getLowestSetBit(); i >= 0 && i < bits.bitLength(); i++) {
            if (bits.testBit(i)) {
                names.add(prefix + fieldAt(schema, i, bits.toString(16)).name());
            }
        }
    }

    private static Schema.Field fieldAt(Schema schema, int position, String bitmap) {
        if (position >= schema.getFields().size()) {
            throw new UndecodableEventException("field bitmap '" + bitmap + "' marks position " + position
                    + " but " + schema.getFullName() + " has " + schema.getFields().size() + " fields");
        }
        return schema.getFields().get(position);
    }

    /** A compound field is a record, usually inside a union with null. */
    private static Schema recordOf(Schema schema, String bitmap) {
        if (schema.getType() == Schema.Type.RECORD) {
            return schema;
        }
        if (schema.getType() == Schema.Type.UNION) {
            for (Schema branch : schema.getTypes()) {
                if (branch.getType() == Schema.Type.RECORD) {
                    return branch;
                }
            }
        }
        throw new UndecodableEventException("field bitmap '" + bitmap + "' addresses a field that is not compound");
    }

    private static BigInteger hex(String bitmap, int from) {
        try {
            return new BigInteger(bitmap.substring(from), 16);
        } catch (NumberFormatException e) {
            throw new UndecodableEventException("field bitmap '" + bitmap + "' is not hexadecimal", e);
        }
    }

    private static int position(String text, String bitmap) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new UndecodableEventException("field bitmap '" + bitmap + "' has no field position before '-'", e);
        }
    }
}
