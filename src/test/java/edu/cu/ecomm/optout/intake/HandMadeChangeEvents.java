package edu.cu.ecomm.optout.intake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import edu.cu.ecomm.optout.emulator.salesforce.ContactChangeCommit;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** Hand-made change events for intake tests (and the data-load guard's, which replays intake's dead letters). */
public final class HandMadeChangeEvents {

    private HandMadeChangeEvents() {
    }

    /** A transaction of its own opting {@code contact} out, made by {@code commitUser} (the ledger refuses ids longer than 18). */
    static ContactChangeCommit optOutBy(String contact, String commitUser) {
        return new ContactChangeCommit("UPDATE", List.of(contact), Map.of("HasOptedOutOfEmail", true),
                Set.of("HasOptedOutOfEmail"), Set.of(), "com/salesforce/api/rest/64.0", UUID.randomUUID().toString(),
                1, Instant.now(), System.nanoTime(), commitUser);
    }

    /** A well-formed Avro opt-out event (camel-salesforce decodes it) whose changedFields bitmap is {@code bitmap}. */
    static byte[] withBitmap(SalesforceEmulator salesforce, String contact, String bitmap) {
        return withBitmap(salesforce, List.of(contact), true, "com/salesforce/api/rest/64.0",
                UUID.randomUUID().toString(), bitmap);
    }

    /**
     * A well-formed Avro event of transaction {@code transactionKey} from {@code changeOrigin}, setting Email Opt Out
     * to {@code optedOut} on {@code contacts}, whose changedFields bitmap is {@code bitmap}: with a bitmap that is
     * not hex, camel-salesforce decodes it but intake cannot read it, and keeps it whole as a dead letter.
     */
    public static byte[] withBitmap(SalesforceEmulator salesforce, List<String> contacts, boolean optedOut,
                                    String changeOrigin, String transactionKey, String bitmap) {
        Schema schema = salesforce.pubSub().eventSchema();
        Schema headerSchema = schema.getField("ChangeEventHeader").schema();
        GenericRecord header = new GenericData.Record(headerSchema);
        header.put("entityName", "Contact");
        header.put("recordIds", contacts);
        header.put("changeType", new GenericData.EnumSymbol(headerSchema.getField("changeType").schema(), "UPDATE"));
        header.put("changeOrigin", changeOrigin);
        header.put("transactionKey", transactionKey);
        header.put("sequenceNumber", 1);
        header.put("commitTimestamp", Instant.now().toEpochMilli());
        header.put("commitNumber", 1L);
        header.put("commitUser", "005A0000001abcdEAA");
        header.put("nulledFields", List.of());
        header.put("diffFields", List.of());
        header.put("changedFields", List.of(bitmap));
        GenericRecord event = new GenericData.Record(schema);
        event.put("ChangeEventHeader", header);
        event.put("HasOptedOutOfEmail", optedOut);
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
            new GenericDatumWriter<GenericRecord>(schema).write(event, encoder);
            encoder.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
