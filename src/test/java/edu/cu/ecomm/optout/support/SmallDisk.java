package edu.cu.ecomm.optout.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A real file system that runs out of space: a small tmpfs that {@code .ci/run} mounts and names in
 * {@code OPTOUT_TEST_SMALL_DISK} (tests that need it are skipped where it is not set, e.g. a developer's
 * {@code mvn verify} without root). Writes to it fail as on a full disk, with the kernel's ENOSPC ("No space left
 * on device"), not with an exception a test made up.
 */
public final class SmallDisk {

    public static final String VARIABLE = "OPTOUT_TEST_SMALL_DISK";

    private final Path root;
    private final Path filler;

    private SmallDisk(Path root) {
        this.root = root;
        this.filler = root.resolve("filler-" + UUID.randomUUID());
    }

    /** The disk named by {@code OPTOUT_TEST_SMALL_DISK}. */
    public static SmallDisk fromEnvironment() {
        String mount = System.getenv(VARIABLE);
        if (mount == null || mount.isBlank()) {
            throw new IllegalStateException(VARIABLE + " is not set; see .ci/run");
        }
        return new SmallDisk(Path.of(mount));
    }

    /** A new, empty folder on the disk. */
    public Path folder(String name) throws IOException {
        return Files.createDirectories(root.resolve(name + "-" + UUID.randomUUID()));
    }

    /** Fills the disk until the kernel refuses another block (tmpfs allocates whole pages, so no file fits after). */
    public void fill() throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left on device")) {
                throw full;
            }
        }
    }

    /** Frees what {@link #fill} took, as an operator clearing the disk would. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
    }
}
