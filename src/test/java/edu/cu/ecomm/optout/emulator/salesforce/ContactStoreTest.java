package edu.cu.ecomm.optout.emulator.salesforce;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import edu.cu.ecomm.optout.support.MutableClock;

class ContactStoreTest {

    private static final String ORIGIN = "com/salesforce/api/rest/64.0";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final List<ContactChangeCommit> commits = new ArrayList<>();
    private final ContactStore store = new ContactStore(new SalesforceIds(), "0055e000004IntgAAC", clock, commits::add);

    private String create(String first, String last) {
        Map<String, Object> values = new HashMap<>();
        values.put("FirstName", first);
        values.put("LastName", last);
        values.put("Email", first.toLowerCase() + "@example.com");
        return store.create(List.of(values), ORIGIN).get(0);
    }

    @Test
    void createEmitsACreateCommitWithEveryNonNullField() {
        String id = create("Ada", "Lovelace");

        assertThat(commits).singleElement().satisfies(commit -> {
            assertThat(commit.changeType()).isEqualTo("CREATE");
            assertThat(commit.recordIds()).containsExactly(id);
            assertThat(commit.values()).containsEntry("FirstName", "Ada").containsEntry("LastName", "Lovelace")
                    .containsEntry("HasOptedOutOfEmail", false)
                    .containsEntry("CreatedDate", Instant.parse("2026-03-01T10:00:00Z"))
                    .doesNotContainKeys("Phone", "Id", "SystemModstamp");
            assertThat(commit.changedFields()).isEmpty();
            assertThat(commit.changeOrigin()).isEqualTo(ORIGIN);
            assertThat(commit.sequenceNumber()).isEqualTo(1);
            assertThat(commit.commitUser()).isEqualTo("0055e000004IntgAAC");
        });
        assertThat(store.find(id)).hasValueSatisfying(row -> assertThat(row)
                .containsEntry("Name", "Ada Lovelace").containsEntry("IsDeleted", false));
    }

    @Test
    void createWithoutLastNameIsRefused() {
        assertThatThrownBy(() -> store.create(List.of(Map.of("FirstName", "Ada")), ORIGIN))
                .isInstanceOfSatisfying(SalesforceApiException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("REQUIRED_FIELD_MISSING"));
        assertThat(commits).isEmpty();
    }

    @Test
    void updateReportsOnlyFieldsWhoseValueChanged() {
        String id = create("Ada", "Lovelace");
        clock.advance(Duration.ofMinutes(5));

        store.update(Map.of(id, Map.of("Email", "ada@example.com", "Title", "Countess")), ORIGIN);

        ContactChangeCommit update = commits.get(1);
        assertThat(update.changeType()).isEqualTo("UPDATE");
        assertThat(update.changedFields()).containsExactly("Title", "LastModifiedDate");
        assertThat(update.values()).containsOnlyKeys("Title", "LastModifiedDate")
                .containsEntry("LastModifiedDate", Instant.parse("2026-03-01T10:05:00Z"));
        assertThat(update.commitNumber()).isGreaterThan(commits.get(0).commitNumber());
        assertThat(store.find(id).orElseThrow()).containsEntry("SystemModstamp", Instant.parse("2026-03-01T10:05:00Z"));
    }

    @Test
    void updateThatChangesNothingEmitsNothingAndKeepsTimestamps() {
        String id = create("Ada", "Lovelace");
        clock.advance(Duration.ofMinutes(5));

        assertThat(store.update(Map.of(id, Map.of("FirstName", "Ada")), ORIGIN)).isZero();

        assertThat(commits).hasSize(1);
        assertThat(store.find(id).orElseThrow())
                .containsEntry("LastModifiedDate", Instant.parse("2026-03-01T10:00:00Z"));
    }

    @Test
    void compoundPartsAndNulledFieldsAreSpelledAsChangeEventsSpellThem() {
        String id = create("Ada", "Lovelace");
        clock.advance(Duration.ofMinutes(1));
        Map<String, Object> change = new HashMap<>();
        change.put("FirstName", "Augusta");
        change.put("Email", null);

        store.update(Map.of(id, change), ORIGIN);

        ContactChangeCommit update = commits.get(1);
        assertThat(update.changedFields()).containsExactly("Name.FirstName", "Email", "LastModifiedDate");
        assertThat(update.nulledFields()).containsExactly("Email");
        assertThat(update.values()).containsEntry("FirstName", "Augusta").containsEntry("Email", null);
    }

    @Test
    void identicalChangesToManyContactsAreOneCommit() {
        List<String> ids = List.of(create("A", "One"), create("B", "Two"), create("C", "Three"));
        commits.clear();
        clock.advance(Duration.ofMinutes(1));
        Map<String, Map<String, Object>> changes = new LinkedHashMap<>();
        ids.forEach(id -> changes.put(id, Map.of("HasOptedOutOfEmail", true)));

        store.update(changes, ORIGIN);

        assertThat(commits).singleElement().satisfies(commit -> {
            assertThat(commit.recordIds()).containsExactlyElementsOf(ids);
            assertThat(commit.changedFields()).containsExactly("HasOptedOutOfEmail", "LastModifiedDate");
        });
    }

    @Test
    void distinctChangesInOneTransactionShareItsKeyInSequence() {
        String a = create("A", "One");
        String b = create("B", "Two");
        String c = create("C", "Three");
        commits.clear();
        clock.advance(Duration.ofMinutes(1));
        Map<String, Map<String, Object>> changes = new LinkedHashMap<>();
        changes.put(a, Map.of("HasOptedOutOfEmail", true));
        changes.put(b, Map.of("Title", "Dean"));
        changes.put(c, Map.of("HasOptedOutOfEmail", true));

        store.update(changes, ORIGIN);

        assertThat(commits).hasSize(2);
        assertThat(commits.get(0).recordIds()).containsExactly(a, c);
        assertThat(commits.get(1).recordIds()).containsExactly(b);
        assertThat(commits).extracting(ContactChangeCommit::sequenceNumber).containsExactly(1, 2);
        assertThat(commits.get(0).transactionKey()).isEqualTo(commits.get(1).transactionKey());
        assertThat(commits.get(0).commitNumber()).isEqualTo(commits.get(1).commitNumber());
    }
}
