package edu.cu.ecomm.optout.emulator.salesforce;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Turns a {@link ContactChangeCommit} into the payload of a Pub/Sub event: the bare Avro binary of one
 * {@code ContactChangeEvent}, with no container-file header, as Salesforce sends it. Fields without a value in
 * the commit (unchanged, nulled, or every field of a gap event) are null.
 */
final class ChangeEventEncoder {

    private final Schema schema;
    private final Schema headerSchema;
    private final FieldBitmap bitmap;
    private final GenericDatumWriter<GenericRecord> writer;

    ChangeEventEncoder(ContactChangeEventSchema eventSchema) {
        this.schema = eventSchema.schema();
        this.headerSchema = schema.getField("ChangeEventHeader").schema();
        this.bitmap = new FieldBitmap(schema);
        this.writer = new GenericDatumWriter<>(schema);
    }

    byte[] encode(ContactChangeCommit commit) {
        GenericRecord event = new GenericData.Record(schema);
        event.put("ChangeEventHeader", header(commit));
        Map<String, Object> values = commit.values() == null ? Map.of() : commit.values();
        for (Schema.Field field : schema.getFields().subList(1, schema.getFields().size())) {
            Schema compound = recordBranch(field.schema());
            event.put(field.pos(), compound == null ? avroValue(values.get(field.name())) : parts(compound, values));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            // GenericDatumWriter is stateless between writes but not documented thread-safe; commits come from
            // any REST thread.
            synchronized (writer) {
                writer.write(event, encoder);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private GenericRecord header(ContactChangeCommit commit) {
        GenericRecord header = new GenericData.Record(headerSchema);
        header.put("entityName", "Contact");
        header.put("recordIds", commit.recordIds());
        header.put("changeType", new GenericData.EnumSymbol(headerSchema.getField("changeType").schema(),
                commit.changeType()));
        header.put("changeOrigin", commit.changeOrigin());
        header.put("transactionKey", commit.transactionKey());
        header.put("sequenceNumber", commit.sequenceNumber());
        header.put("commitTimestamp", commit.commitTimestamp().toEpochMilli());
        header.put("commitNumber", commit.commitNumber());
        header.put("commitUser", commit.commitUser());
        header.put("nulledFields", bitmap.encode(commit.nulledFields()));
        // Salesforce fills diffFields only for large text fields sent as diffs; Contact has none here.
        header.put("diffFields", List.of());
        header.put("changedFields", bitmap.encode(commit.changedFields()));
        return header;
    }

    /** The nested record of a compound field, or null when none of its parts has a value. */
    private static GenericRecord parts(Schema compound, Map<String, Object> values) {
        GenericRecord record = null;
        for (Schema.Field part : compound.getFields()) {
            Object value = values.get(part.name());
            if (value != null) {
                if (record == null) {
                    record = new GenericData.Record(compound);
                }
                record.put(part.pos(), avroValue(value));
            }
        }
        return record;
    }

    private static Schema recordBranch(Schema union) {
        return union.getTypes().stream()
                .filter(branch -> branch.getType() == Schema.Type.RECORD)
                .findFirst()
                .orElse(null);
    }

    private static Object avroValue(Object value) {
        return value instanceof Instant instant ? instant.toEpochMilli() : value;
    }
}
