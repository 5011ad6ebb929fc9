package dev.hyperlab.core.backup;

import java.util.List;

/**
 * What differs between file backup {@code from} and file backup {@code to}, as {@code restic diff}.
 *
 * @param from the older backup's full id (the one given first)
 * @param to the newer backup's full id
 * @param changes every difference, in path order (a directory before what is below it)
 * @param bytesAdded content of the changed and added files that {@code to} holds and {@code from}'s such files do not
 *     (counted by chunk)
 * @param bytesRemoved content of the changed and removed files that {@code from} holds and {@code to}'s do not
 */
public record FileDiffResult(String from, String to, List<FileChange> changes, long bytesAdded, long bytesRemoved) {
    /** Copies the list. */
    public FileDiffResult {
        changes = List.copyOf(changes);
    }
}
