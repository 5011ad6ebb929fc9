package dev.hyperlab.core.backup;

import java.util.List;

/**
 * What {@link BackupRepository#copyTo} did.
 *
 * @param backups each backup asked for, oldest first: its id here, its id in the target, and whether the target had it
 *     already (a backup's id depends on the repository's key, so the two ids differ between encrypted repositories)
 * @param blobsCopied blobs stored in the target (those it lacked)
 * @param bytesCopied bytes of those blobs as stored in the target (compressed and sealed)
 * @param packsWritten pack files written in the target
 * @param notes what else happened (stale locks removed)
 */
public record CopyResult(List<Copied> backups, long blobsCopied, long bytesCopied, int packsWritten,
        List<String> notes) {

    /** One backup: {@code id} in the source, {@code targetId} in the target; {@code existed} when nothing was copied. */
    public record Copied(String id, String targetId, boolean existed) {}

    /** Copies the lists. */
    public CopyResult {
        backups = List.copyOf(backups);
        notes = List.copyOf(notes);
    }
}
