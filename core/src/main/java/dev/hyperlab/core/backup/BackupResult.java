package dev.hyperlab.core.backup;

import java.util.List;

/**
 * What {@link BackupRepository#run} did.
 *
 * @param backup the backup as recorded (id, disks, notes, bytes read and added)
 * @param packsWritten pack files it wrote
 * @param trackersRestarted disks whose changed-block tracking was restarted at this backup
 * @param warnings problems that did not stop the backup (a stale lock removed, a tracker that could not be restarted,
 *     a damaged index file); the backup is complete regardless
 */
public record BackupResult(BackupInfo backup, int packsWritten, List<String> trackersRestarted, List<String> warnings) {

    /** Copies the lists. */
    public BackupResult {
        trackersRestarted = List.copyOf(trackersRestarted);
        warnings = List.copyOf(warnings);
    }

    /** The new backup's id. */
    public String id() {
        return backup.id();
    }
}
