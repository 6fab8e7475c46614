package edu.cu.ecomm.optout.emulator.salesforce;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.apache.avro.Schema;

/**
 * The Avro schema of {@code com.sforce.eventbus.ContactChangeEvent}, shaped like the one Salesforce serves from
 * {@code GetSchema}: position 0 is {@code ChangeEventHeader}, then one nullable field per entry of
 * {@link ContactFields#EVENT_FIELDS}, a compound field being a nullable nested record of nullable parts.
 */
final class ContactChangeEventSchema {

    static final String NAMESPACE = "com.sforce.eventbus";

    static final List<String> CHANGE_TYPES = List.of("CREATE", "UPDATE", "DELETE", "UNDELETE",
            "GAP_CREATE", "GAP_UPDATE", "GAP_DELETE", "GAP_UNDELETE", "GAP_OVERFLOW", "SNAPSHOT");

    private static final Schema STRING_ARRAY = Schema.createArray(Schema.create(Schema.Type.STRING));

    private final Schema schema;
    private final String json;
    private final String id;

    private ContactChangeEventSchema(Schema schema) {
        this.schema = schema;
        this.json = schema.toString();
        this.id = fingerprint(json);
    }

    /** The schema of the emulated org's Contact. */
    static ContactChangeEventSchema contact() {
        return of(ContactFields.EVENT_FIELDS);
    }

    /** A change-event schema for any field list; lets tests build objects wider than Contact. */
    static ContactChangeEventSchema of(List<ContactFields.Field> eventFields) {
        List<Schema.Field> fields = new ArrayList<>();
        fields.add(new Schema.Field("ChangeEventHeader", header(), "Data:ChangeEventHeader"));
        for (ContactFields.Field field : eventFields) {
            fields.add(nullable(field.name(), field.isCompound() ? compound(field) : avroType(field.type())));
        }
        return new ContactChangeEventSchema(
                Schema.createRecord("ContactChangeEvent", null, NAMESPACE, false, fields));
    }

    Schema schema() {
        return schema;
    }

    String json() {
        return json;
    }

    String id() {
        return id;
    }

    private static Schema header() {
        return Schema.createRecord("ChangeEventHeader", null, NAMESPACE, false, List.of(
                new Schema.Field("entityName", Schema.create(Schema.Type.STRING)),
                new Schema.Field("recordIds", STRING_ARRAY),
                new Schema.Field("changeType", Schema.createEnum("ChangeType", null, NAMESPACE, CHANGE_TYPES)),
                new Schema.Field("changeOrigin", Schema.create(Schema.Type.STRING)),
                new Schema.Field("transactionKey", Schema.create(Schema.Type.STRING)),
                new Schema.Field("sequenceNumber", Schema.create(Schema.Type.INT)),
                new Schema.Field("commitTimestamp", Schema.create(Schema.Type.LONG)),
                new Schema.Field("commitNumber", Schema.create(Schema.Type.LONG)),
                new Schema.Field("commitUser", Schema.create(Schema.Type.STRING)),
                new Schema.Field("nulledFields", STRING_ARRAY),
                new Schema.Field("diffFields", STRING_ARRAY),
                new Schema.Field("changedFields", STRING_ARRAY)));
    }

    private static Schema compound(ContactFields.Field field) {
        List<Schema.Field> parts = new ArrayList<>();
        for (ContactFields.Field part : field.parts()) {
            parts.add(nullable(part.name(), avroType(part.type())));
        }
        // Salesforce names the record after the compound kind, not the field; Contact.Name is a person name.
        return Schema.createRecord("Switchable_PersonName", null, NAMESPACE, false, parts);
    }

    private static Schema avroType(ContactFields.Type type) {
        // Salesforce sends date-times as epoch milliseconds in a plain long.
        return Schema.create(switch (type) {
            case BOOLEAN -> Schema.Type.BOOLEAN;
            case DATETIME -> Schema.Type.LONG;
            case ID, REFERENCE, STRING, EMAIL, PHONE -> Schema.Type.STRING;
        });
    }

    private static Schema.Field nullable(String name, Schema type) {
        return new Schema.Field(name, Schema.createUnion(Schema.create(Schema.Type.NULL), type), null,
                Schema.Field.NULL_DEFAULT_VALUE);
    }

    /** 22 url-safe characters, the look of a Salesforce schema id, and the same for the same schema JSON. */
    private static String fingerprint(String json) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(json.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(md5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships MD5", e);
        }
    }
}
