package edu.cu.ecomm.optout.emulator.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An org saved by a stopped emulator comes back as the same org: contacts, ids and events with their replay ids. */
class SavedOrgTest {

    @TempDir
    Path folder;

    @Test
    void restoredOrgKeepsItsContactsAndItsEventsUnderTheSameReplayIds() {
        Path file = folder.resolve("org.ser");
        SalesforceEmulator before = SalesforceEmulator.onPorts(0, 0);
        List<String> seeded = before.http().seedContacts(5, 7);
        before.http().updateContact(seeded.get(2), Map.of("HasOptedOutOfEmail", true));
        before.saveTo(file);

        SalesforceEmulator after = SalesforceEmulator.restoredFrom(file, 0, 0);

        assertThat(after.http().allContacts()).isEqualTo(before.http().allContacts());
        assertThat(after.pubSub().latestReplayId()).isEqualTo(before.pubSub().latestReplayId());
        EventLog.Saved events = after.pubSub().save();
        assertThat(events.retained()).extracting(EventLog.Event::eventId)
                .containsExactlyElementsOf(before.pubSub().save().retained().stream().map(EventLog.Event::eventId).toList());
        assertThat(events.retained()).extracting(EventLog.Event::payload)
                .containsExactlyElementsOf(before.pubSub().save().retained().stream().map(EventLog.Event::payload).toList());
    }

    @Test
    void restoredOrgGoesOnAfterTheIdsAndReplayIdsItIssuedBefore() {
        Path file = folder.resolve("org.ser");
        SalesforceEmulator before = SalesforceEmulator.onPorts(0, 0);
        List<String> seeded = before.http().seedContacts(3, 7);
        long published = before.pubSub().publishedCount();
        before.saveTo(file);

        SalesforceEmulator after = SalesforceEmulator.restoredFrom(file, 0, 0);
        String created = after.http().createContact(Map.of("LastName", "After Restart"));

        assertThat(seeded).doesNotContain(created);
        assertThat(after.pubSub().latestReplayId()).isEqualTo(PubSubEmulator.replayIdOf(published + 1));
    }

    @Test
    void aFileThatIsNoSavedOrgIsRefusedWithAClearError() throws IOException {
        Path file = Files.writeString(folder.resolve("org.ser"), "not an org");

        assertThatThrownBy(() -> SalesforceEmulator.restoredFrom(file, 0, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("delete it to start a new org");
    }
}
