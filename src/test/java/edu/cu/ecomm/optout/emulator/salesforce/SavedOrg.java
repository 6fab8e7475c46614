package edu.cu.ecomm.optout.emulator.salesforce;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * An emulated org kept in a file between runs of the standalone emulators: its contacts, the ids it issued and
 * its retained change events with their replay ids. Salesforce keeps an org's events for 72 hours whatever its
 * subscribers do; an emulator that forgot them on a restart answered the replay id the service stored with
 * "Replay ID validation failed" (or, once the new run had published as many events, took it for another event).
 * Access tokens are not kept: clients log in again, as after a Salesforce session ends.
 */
record SavedOrg(Http http, EventLog.Saved events) implements Serializable {

    /** The REST side: ids issued per key prefix and the Contact table. */
    record Http(Map<String, Long> issuedIds, ContactStore.Saved contacts) implements Serializable {
    }

    /** Only the org's own classes and the JDK's (collections, Instant, Boolean, ...) are read back. */
    private static final ObjectInputFilter ONLY_ORG_CLASSES =
            ObjectInputFilter.Config.createFilter("edu.cu.ecomm.optout.emulator.salesforce.*;java.base/*;!*");

    /** Writes to a file beside {@code file} first, so an emulator stopped half-way leaves the previous save whole. */
    void writeTo(Path file) {
        try {
            Path folder = file.toAbsolutePath().getParent();
            Files.createDirectories(folder);
            Path partial = Files.createTempFile(folder, file.getFileName().toString(), ".partial");
            try (OutputStream out = Files.newOutputStream(partial); ObjectOutputStream objects = new ObjectOutputStream(out)) {
                objects.writeObject(this);
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save the emulated org to " + file, e);
        }
    }

    static SavedOrg readFrom(Path file) {
        try (InputStream in = Files.newInputStream(file); ObjectInputStream objects = new ObjectInputStream(in)) {
            objects.setObjectInputFilter(ONLY_ORG_CLASSES);
            return (SavedOrg) objects.readObject();
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            throw new IllegalStateException("Cannot read the emulated org saved in " + file
                    + "; delete it to start a new org (and the service's ledger with it)", e);
        }
    }
}
