package edu.cu.ecomm.optout.emulator.salesforce;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Contact object of the emulated org: its fields in the order the Change Data Capture event schema
 * lists them. The REST side (SOQL, sObject rows, INVALID_FIELD errors) and the Pub/Sub side (the Avro
 * schema of {@code ContactChangeEvent} and its field bitmaps) are both derived from this one list, so they
 * cannot disagree.
 *
 * <p>Position 0 of the event schema is {@code ChangeEventHeader}; the fields below follow from position 1,
 * in list order. A compound field ({@code Name}) is one position in the event schema whose parts are
 * addressed by bitmaps of the form {@code p-0x…}; in SOQL and REST its parts are plain fields.
 */
public final class ContactFields {

    public enum Type { ID, REFERENCE, STRING, EMAIL, PHONE, BOOLEAN, DATETIME }

    /** A field of the Contact object; {@code parts} is non-empty for a compound field. */
    public record Field(String name, Type type, boolean inChangeEvent, List<Field> parts) {
        static Field of(String name, Type type) {
            return new Field(name, type, true, List.of());
        }

        static Field restOnly(String name, Type type) {
            return new Field(name, type, false, List.of());
        }

        public boolean isCompound() {
            return !parts.isEmpty();
        }
    }

    /** Event-schema order, from position 1 (position 0 is the header). */
    public static final List<Field> EVENT_FIELDS = List.of(
            Field.of("AccountId", Type.REFERENCE),
            new Field("Name", Type.STRING, true, List.of(
                    Field.of("Salutation", Type.STRING),
                    Field.of("FirstName", Type.STRING),
                    Field.of("LastName", Type.STRING))),
            Field.of("Phone", Type.PHONE),
            Field.of("MobilePhone", Type.PHONE),
            Field.of("Email", Type.EMAIL),
            Field.of("Title", Type.STRING),
            Field.of("Department", Type.STRING),
            Field.of("HasOptedOutOfEmail", Type.BOOLEAN),
            Field.of("DoNotCall", Type.BOOLEAN),
            Field.of("EmailBouncedReason", Type.STRING),
            Field.of("EmailBouncedDate", Type.DATETIME),
            Field.of("OwnerId", Type.REFERENCE),
            Field.of("CreatedDate", Type.DATETIME),
            Field.of("CreatedById", Type.REFERENCE),
            Field.of("LastModifiedDate", Type.DATETIME),
            Field.of("LastModifiedById", Type.REFERENCE),
            // Custom fields the service reads: CU Ascend's key, the urgent re-subscribe flag,
            // and the email-preference categories Salesforce clears on opt-out.
            Field.of("Ascend_Id__c", Type.STRING),
            Field.of("Urgent_Resubscribe__c", Type.BOOLEAN),
            Field.of("Pref_Alumni_News__c", Type.BOOLEAN),
            Field.of("Pref_Events__c", Type.BOOLEAN),
            Field.of("Pref_Giving__c", Type.BOOLEAN));

    /** Fields that exist on the object (and in SOQL) but never in a change event. */
    public static final List<Field> REST_ONLY_FIELDS = List.of(
            Field.restOnly("Id", Type.ID),
            Field.restOnly("IsDeleted", Type.BOOLEAN),
            Field.restOnly("SystemModstamp", Type.DATETIME));

    private static final Map<String, Field> BY_LOWER_NAME = new LinkedHashMap<>();

    static {
        for (Field f : REST_ONLY_FIELDS) {
            BY_LOWER_NAME.put(f.name().toLowerCase(), f);
        }
        for (Field f : EVENT_FIELDS) {
            BY_LOWER_NAME.put(f.name().toLowerCase(), f);
            for (Field part : f.parts()) {
                BY_LOWER_NAME.put(part.name().toLowerCase(), part);
            }
        }
    }

    private ContactFields() {
    }

    /** Looks a field up the way Salesforce does: API names are case-insensitive. */
    public static Optional<Field> find(String apiName) {
        return Optional.ofNullable(BY_LOWER_NAME.get(apiName.toLowerCase()));
    }

    /** Every field a REST record or SOQL query can name, compound parts included, canonical spelling. */
    public static List<Field> queryable() {
        return List.copyOf(BY_LOWER_NAME.values());
    }
}
