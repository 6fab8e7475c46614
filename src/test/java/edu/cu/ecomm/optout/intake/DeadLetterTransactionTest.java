package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

/** What an intake dead letter's payload tells of its event's Salesforce transaction, in each form intake keeps. */
class DeadLetterTransactionTest {

    private static final Schema HEADER = SchemaBuilder.record("ChangeEventHeader").namespace("com.sforce.eventbus")
            .fields()
            .requiredString("entityName")
            .name("recordIds").type().array().items().stringType().noDefault()
            .requiredString("changeType")
            .optionalString("changeOrigin")
            .optionalString("transactionKey")
            .requiredInt("sequenceNumber")
            .requiredLong("commitTimestamp")
            .requiredLong("commitNumber")
            .requiredString("commitUser")
            .name("changedFields").type().array().items().stringType().noDefault()
            .endRecord();
    private static final Schema EVENT = SchemaBuilder.record("ContactChangeEvent").namespace("com.sforce.eventbus")
            .fields()
            .name("ChangeEventHeader").type(HEADER).noDefault()
            .optionalBoolean("HasOptedOutOfEmail")
            .endRecord();

    private static final String DATA_LOADER = "com/salesforce/api/soap/64.0;client=DataLoaderBulkUI/";
    private static final Instant COMMIT = Instant.parse("2026-11-27T06:00:00.123Z");
    private static final String USER = "005A0000001abcdEAA";

    @Test
    void anUnreadableEventKeptAsItsAvroRecordNamesItsTransactionOriginUserAndCommitTime() {
        String payload = avroEvent("0001a2b3-c4d5", DATA_LOADER).toString();

        GuardedTransaction transaction = DeadLetterTransaction.readFrom(payload).orElseThrow();

        assertThat(transaction).isEqualTo(new GuardedTransaction("0001a2b3-c4d5", DATA_LOADER, USER, COMMIT, false));
    }

    @Test
    void anUnrecordedEventKeptAsItsDecodedTextNamesItsTransactionEvenWithACommaInItsOrigin() {
        String origin = "com/salesforce/api/rest/64.0;client=Nightly load, 2nd run";
        String payload = decodedEvent("0001a2b3-c4d5", origin).toString();

        GuardedTransaction transaction = DeadLetterTransaction.readFrom(payload).orElseThrow();

        assertThat(transaction).isEqualTo(new GuardedTransaction("0001a2b3-c4d5", origin, USER, COMMIT, false));
    }

    @Test
    void aGroupKeptWholeNamesItsTransactionWhenAllItsEventsBelongToOne() {
        String payload = List.of(decodedEvent("0001a2b3-c4d5", DATA_LOADER),
                new UnreadableEvent(avroEvent("0001a2b3-c4d5", DATA_LOADER), "e2", "r2", "bad bitmap")).toString();

        assertThat(DeadLetterTransaction.readFrom(payload)).hasValueSatisfying(transaction -> {
            assertThat(transaction.key()).isEqualTo("0001a2b3-c4d5");
            assertThat(transaction.changeOrigin()).isEqualTo(DATA_LOADER);
        });
    }

    @Test
    void aGroupOfSeveralTransactionsNamesNone() {
        String payload = List.of(decodedEvent("0001a2b3-c4d5", DATA_LOADER), decodedEvent("0009f8e7-d6c5", null))
                .toString();

        assertThat(DeadLetterTransaction.readFrom(payload)).isEmpty();
    }

    @Test
    void aLetterWithoutATransactionKeyNamesNone() {
        assertThat(DeadLetterTransaction.readFrom(null)).as("an event camel-salesforce skipped").isEmpty();
        assertThat(DeadLetterTransaction.readFrom(Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, 1, 2})))
                .as("an event that was not Avro, kept as base64").isEmpty();
        assertThat(DeadLetterTransaction.readFrom(avroEvent(null, DATA_LOADER).toString())).isEmpty();
        assertThat(DeadLetterTransaction.readFrom(decodedEvent(null, DATA_LOADER).toString())).isEmpty();
    }

    private static GenericRecord avroEvent(String transactionKey, String origin) {
        GenericRecord header = new GenericData.Record(HEADER);
        header.put("entityName", new Utf8("Contact"));
        header.put("recordIds", List.of(new Utf8("003A0000006Vm9rIAC")));
        header.put("changeType", new Utf8("UPDATE"));
        header.put("changeOrigin", origin == null ? null : new Utf8(origin));
        header.put("transactionKey", transactionKey == null ? null : new Utf8(transactionKey));
        header.put("sequenceNumber", 1);
        header.put("commitTimestamp", COMMIT.toEpochMilli());
        header.put("commitNumber", 42L);
        header.put("commitUser", new Utf8(USER));
        header.put("changedFields", List.of(new Utf8("0xnothex")));
        GenericRecord event = new GenericData.Record(EVENT);
        event.put("ChangeEventHeader", header);
        event.put("HasOptedOutOfEmail", false);
        return event;
    }

    private static ContactChangeEvent decodedEvent(String transactionKey, String origin) {
        return new ContactChangeEvent("e1", "r1", "UPDATE", List.of("003A0000006Vm9rIAC"),
                Set.of(ContactChangeEvent.OPT_OUT_FIELD), false, origin, transactionKey, 1, COMMIT, 42L, USER);
    }
}
