package edu.cu.ecomm.optout.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import edu.cu.ecomm.optout.ledger.DeadLetterReplayer;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Replays the dead letter of a CU Ascend export that was rejected or could not be staged: the file, kept in the
 * inbound's .failed folder under the name the letter holds ({@code yyyyMMdd-HHmmss-<file>}), moves back to the
 * inbound under its own name, and the route ascend-export-intake stages it again as a new export. Only a folder
 * inbound ({@code file:}) is moved here; a remote one (SFTP) would need a connection of its own for one rename, so
 * the replay says which file to move back by hand instead.
 */
@Component("ascendExportReplay")
public class AscendExportReplay implements DeadLetterReplayer {

    /** The name the route gives a file in .done or .failed: the time it was picked up, then its own name. */
    private static final Pattern MOVED_NAME = Pattern.compile("\\d{8}-\\d{6}-(.+)");
    private static final String FAILED_FOLDER = ".failed";

    private final String inbound;

    public AscendExportReplay(@Value("${optout.audit.inbound}") String inbound) {
        this.inbound = inbound;
    }

    @Override
    public boolean handles(DeadLetter letter) {
        return AscendExports.ROUTE_ID.equals(letter.routeId());
    }

    /**
     * Moves the letter's file from .failed back to the inbound.
     *
     * @throws IllegalStateException when the inbound is not a folder (move it by hand), the letter names no file in
     *                               .failed (written before the letter named it), the file is gone from .failed, or
     *                               a file of that name waits in the inbound already
     */
    @Override
    public String replay(DeadLetter letter) {
        String movedName = letter.payload() == null ? "" : letter.payload();
        Matcher name = MOVED_NAME.matcher(movedName);
        if (!name.matches()) {
            throw new IllegalStateException("the letter does not name the file's place in .failed (" + movedName
                    + "): find the file under .failed in the inbound, move it back by hand, then discard this letter");
        }
        String fileName = name.group(1);
        String failed = FAILED_FOLDER + "/" + movedName;
        if (!inbound.startsWith("file:")) {
            throw new IllegalStateException("the inbound is not a folder on this node (" + scheme() + "): move "
                    + failed + " back to the inbound as " + fileName + " by hand, then discard this letter");
        }
        Path folder = Path.of(folderOf(inbound));
        Path source = folder.resolve(FAILED_FOLDER).resolve(movedName);
        Path target = folder.resolve(fileName);
        if (!Files.exists(source)) {
            throw new IllegalStateException(failed + " is not in the inbound " + folder + " (moved or removed?)");
        }
        if (Files.exists(target)) {
            throw new IllegalStateException("a file named " + fileName + " is in the inbound " + folder + " already;"
                    + " replay again once it has been picked up");
        }
        try {
            // One rename (.failed is under the inbound, on the same file system): the file is never seen half-moved,
            // and a move that fails leaves it in .failed for the next replay. Without REPLACE_EXISTING a file of that
            // name that arrived since the check above is refused, not overwritten.
            Files.move(source, target);
        } catch (IOException e) {
            throw new UncheckedIOException("could not move " + failed + " back to the inbound " + folder, e);
        }
        return failed + " moved back to the inbound as " + fileName + "; it is staged when picked up"
                + " (Audit.LatestExport)";
    }

    private String scheme() {
        int colon = inbound.indexOf(':');
        return colon < 0 ? inbound : inbound.substring(0, colon);
    }

    /** The folder of a {@code file:} URI, without its options. */
    private static String folderOf(String fileUri) {
        String path = fileUri.substring("file:".length());
        int options = path.indexOf('?');
        return options < 0 ? path : path.substring(0, options);
    }
}
