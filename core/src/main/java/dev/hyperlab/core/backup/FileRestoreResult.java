package dev.hyperlab.core.backup;

import java.util.List;

/**
 * What {@link BackupRepository#restoreFiles} did.
 *
 * @param backupId the backup restored
 * @param target the directory restored into
 * @param files regular files written (hard links not counted)
 * @param directories directories created or, with overwrite, reused
 * @param others symbolic links, FIFOs, sockets and device files created
 * @param links hard links created
 * @param bytesWritten data bytes written (holes stay holes)
 * @param leftOut entries of the backup not restored: a directory in the way with overwrite, a device file without root
 * @param damaged one line per range of a file that could not be restored (left as a hole: zeros), naming why
 * @param warnings what was restored differently from the backup (owners without root, an attribute the target's
 *     file system refuses, an entry in the way with overwrite)
 */
public record FileRestoreResult(String backupId, String target, long files, long directories, long others, long links,
        long bytesWritten, long leftOut, List<String> damaged, List<String> warnings) {

    /** Copies the lists. */
    public FileRestoreResult {
        damaged = List.copyOf(damaged);
        warnings = List.copyOf(warnings);
    }

    /** True when every byte of every file selected was restored and verified. */
    public boolean complete() {
        return damaged.isEmpty();
    }
}
