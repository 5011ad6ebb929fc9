package dev.hyperlab.core.backup;

import java.util.List;

/**
 * What {@link BackupRepository#restore} did. A restore is {@link #complete()} only when every byte of the backup was
 * read back, verified and written; otherwise {@link #damaged()} names every range that could not be, and those ranges
 * read as zeros in the restored disk.
 *
 * @param backupId the backup restored
 * @param disk the disk restored
 * @param virtualSize the disk's size
 * @param bytesWritten data bytes written to the target
 * @param damaged ranges that could not be restored, ascending; empty when complete
 * @param warnings problems that did not affect the bytes (for instance a damaged index file whose blobs were found
 *     through the pack headers instead)
 */
public record RestoreResult(
        String backupId, String disk, long virtualSize, long bytesWritten, List<DamagedRange> damaged,
        List<String> warnings) {

    /** Copies the lists. */
    public RestoreResult {
        damaged = List.copyOf(damaged);
        warnings = List.copyOf(warnings);
    }

    /** True when every byte of the disk was restored and verified. */
    public boolean complete() {
        return damaged.isEmpty();
    }

    /**
     * A range that could not be restored.
     *
     * @param offset first byte
     * @param length bytes
     * @param reason why, naming the blob and pack
     */
    public record DamagedRange(long offset, long length, String reason) {}
}
