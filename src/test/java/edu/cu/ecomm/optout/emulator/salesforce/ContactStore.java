package edu.cu.ecomm.optout.emulator.salesforce;

import edu.cu.ecomm.optout.emulator.salesforce.ContactFields.Field;
import edu.cu.ecomm.optout.emulator.salesforce.ContactFields.Type;

import java.io.Serializable;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The Contact table of the emulated org, and its change log. Each write is one transaction: it is applied
 * and its {@link ContactChangeCommit}s are handed to the sink while the store is locked, so the sink sees
 * commits in commit order and a reader never sees a row whose change has not been published.
 *
 * <p>Rows hold values by canonical field name; compound {@code Name} is not stored but composed on read.
 */
final class ContactStore {

    private static final String LAST_MODIFIED_DATE = "LastModifiedDate";
    private static final String LAST_MODIFIED_BY_ID = "LastModifiedById";

    private final SalesforceIds ids;
    private final String userId;
    private final Clock clock;
    private final ChangeEventSink sink;
    private final Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
    /** Salesforce's system change numbers are large and only ever grow; start where a busy org might be. */
    private long commitNumber = 11_400_000_000L;

    ContactStore(SalesforceIds ids, String userId, Clock clock, ChangeEventSink sink) {
        this.ids = ids;
        this.userId = userId;
        this.clock = clock;
        this.sink = sink;
    }

    synchronized Optional<Map<String, Object>> find(String id) {
        return Optional.ofNullable(rows.get(id)).map(ContactStore::withName);
    }

    synchronized boolean exists(String id) {
        return rows.containsKey(id);
    }

    /** Every contact in id order, which is creation order and SOQL's order without ORDER BY. */
    synchronized List<Map<String, Object>> all() {
        List<Map<String, Object>> all = new ArrayList<>(rows.size());
        rows.values().forEach(row -> all.add(withName(row)));
        return all;
    }

    /**
     * Inserts contacts in one transaction: one CREATE commit per record, in record order. {@code records}
     * hold typed values by canonical name (see {@link FieldValues#forWrite}).
     *
     * @return the new ids, in record order
     */
    synchronized List<String> create(List<Map<String, Object>> records, String changeOrigin) {
        for (Map<String, Object> record : records) {
            if (record.get("LastName") == null) {
                throw new SalesforceApiException(400, "REQUIRED_FIELD_MISSING",
                        "Required fields are missing: [LastName]", List.of("LastName"));
            }
        }
        Transaction tx = new Transaction(changeOrigin);
        List<String> created = new ArrayList<>();
        for (Map<String, Object> record : records) {
            String id = ids.next(SalesforceIds.CONTACT_PREFIX);
            Map<String, Object> row = newRow(id, tx.timestamp);
            row.putAll(record);
            rows.put(id, row);
            created.add(id);
            // A CREATE event carries every non-null field; changedFields and nulledFields stay empty as in CDC.
            Map<String, Object> values = new LinkedHashMap<>();
            for (String name : eventFieldNames()) {
                if (row.get(name) != null) {
                    values.put(name, row.get(name));
                }
            }
            tx.commit("CREATE", List.of(id), values, Set.of(), Set.of());
        }
        tx.publish();
        return created;
    }

    /**
     * Updates contacts in one transaction. Records whose effective change is identical become one commit
     * with many record ids, as CDC groups them; distinct changes are further commits of the same
     * transaction. A record whose values all equal the stored ones changes nothing and emits nothing.
     *
     * @param changesById typed values by canonical name, per existing contact id
     * @return how many contacts actually changed
     */
    synchronized int update(Map<String, Map<String, Object>> changesById, String changeOrigin) {
        changesById.keySet().forEach(id -> {
            if (!rows.containsKey(id)) {
                throw SalesforceApiException.notFound();
            }
        });
        Transaction tx = new Transaction(changeOrigin);
        Map<Map<String, Object>, List<String>> idsByChange = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> entry : changesById.entrySet()) {
            Map<String, Object> row = rows.get(entry.getKey());
            Map<String, Object> change = new HashMap<>();
            entry.getValue().forEach((name, value) -> {
                if (!Objects.equals(row.get(name), value)) {
                    change.put(name, value);
                }
            });
            if (change.isEmpty()) {
                continue;
            }
            // The platform stamps every real change; LastModifiedDate is a changed field in CDC like any other.
            for (Map.Entry<String, Object> audit : Map.<String, Object>of(
                    LAST_MODIFIED_DATE, tx.timestamp, LAST_MODIFIED_BY_ID, userId).entrySet()) {
                if (!Objects.equals(row.get(audit.getKey()), audit.getValue())) {
                    change.put(audit.getKey(), audit.getValue());
                }
            }
            row.putAll(change);
            row.put("SystemModstamp", tx.timestamp);
            idsByChange.computeIfAbsent(change, c -> new ArrayList<>()).add(entry.getKey());
        }
        idsByChange.forEach((change, recordIds) -> {
            Map<String, Object> values = new LinkedHashMap<>();
            Set<String> changed = new LinkedHashSet<>();
            Set<String> nulled = new LinkedHashSet<>();
            for (Field field : ContactFields.EVENT_FIELDS) {
                for (Field leaf : field.isCompound() ? field.parts() : List.of(field)) {
                    if (change.containsKey(leaf.name())) {
                        String spelling = field.isCompound() ? field.name() + "." + leaf.name() : leaf.name();
                        values.put(leaf.name(), change.get(leaf.name()));
                        changed.add(spelling);
                        if (change.get(leaf.name()) == null) {
                            nulled.add(spelling);
                        }
                    }
                }
            }
            tx.commit("UPDATE", recordIds, values, changed, nulled);
        });
        tx.publish();
        return idsByChange.values().stream().mapToInt(List::size).sum();
    }

    /** The Contact table and the last commit number, for an emulator restarted as the same org. */
    record Saved(Map<String, Map<String, Object>> rows, long commitNumber) implements Serializable {
    }

    synchronized Saved save() {
        Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
        rows.forEach((id, row) -> copy.put(id, new HashMap<>(row)));
        return new Saved(copy, commitNumber);
    }

    /** Takes back a saved table, without publishing anything: its changes were published when they were made. */
    synchronized void restore(Saved saved) {
        rows.clear();
        saved.rows().forEach((id, row) -> rows.put(id, new HashMap<>(row)));
        commitNumber = saved.commitNumber();
    }

    private Map<String, Object> newRow(String id, Instant now) {
        Map<String, Object> row = new HashMap<>();
        for (Field field : ContactFields.queryable()) {
            if (!field.isCompound()) {
                row.put(field.name(), field.type() == Type.BOOLEAN ? Boolean.FALSE : null);
            }
        }
        row.put("Id", id);
        row.put("OwnerId", userId);
        row.put("CreatedById", userId);
        row.put(LAST_MODIFIED_BY_ID, userId);
        row.put("CreatedDate", now);
        row.put(LAST_MODIFIED_DATE, now);
        row.put("SystemModstamp", now);
        return row;
    }

    private static List<String> eventFieldNames() {
        List<String> names = new ArrayList<>();
        for (Field field : ContactFields.EVENT_FIELDS) {
            if (field.isCompound()) {
                field.parts().forEach(part -> names.add(part.name()));
            } else {
                names.add(field.name());
            }
        }
        return names;
    }

    /** A copy of the row with compound {@code Name} composed as Salesforce shows it: first and last name. */
    private static Map<String, Object> withName(Map<String, Object> row) {
        Map<String, Object> copy = new HashMap<>(row);
        String first = (String) row.get("FirstName");
        String last = (String) row.get("LastName");
        copy.put("Name", first == null ? last : last == null ? first : first + " " + last);
        return Collections.unmodifiableMap(copy);
    }

    /** The commits of one transaction: one key, one timestamp, one commit number, sequence from 1. */
    private final class Transaction {
        final String key = UUID.randomUUID().toString();
        final Instant timestamp = clock.instant();
        final long number = ++commitNumber;
        final List<ContactChangeCommit> commits = new ArrayList<>();
        final String changeOrigin;

        Transaction(String changeOrigin) {
            this.changeOrigin = changeOrigin;
        }

        void commit(String changeType, List<String> recordIds, Map<String, Object> values,
                    Set<String> changed, Set<String> nulled) {
            commits.add(new ContactChangeCommit(changeType, List.copyOf(recordIds),
                    Collections.unmodifiableMap(values), Collections.unmodifiableSet(changed),
                    Collections.unmodifiableSet(nulled), changeOrigin, key, commits.size() + 1, timestamp,
                    number, userId));
        }

        void publish() {
            commits.forEach(sink::publish);
        }
    }
}
