package dev.hyperlab.core.backup;

import java.util.List;

/**
 * What {@link BackupRepository#prune} did.
 *
 * @param removedBackups ids of the backups it forgot, oldest first
 * @param keptBackups how many backups remain
 * @param blobsRemoved blobs no remaining backup referred to, now gone
 * @param packsRemoved pack files deleted (wholly unused, repacked, or left over by interrupted runs)
 * @param packsWritten pack files written by repacking the still-used blobs of partly used packs
 * @param bytesFreed bytes of pack files deleted minus bytes written
 * @param notes what else it did (stale locks, temporary files removed)
 */
public record PruneResult(
        List<String> removedBackups, int keptBackups, long blobsRemoved, int packsRemoved, int packsWritten,
        long bytesFreed, List<String> notes) {

    /** Copies the lists. */
    public PruneResult {
        removedBackups = List.copyOf(removedBackups);
        notes = List.copyOf(notes);
    }
}
