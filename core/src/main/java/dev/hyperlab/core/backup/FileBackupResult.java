package dev.hyperlab.core.backup;

import java.util.List;

/**
 * What {@link BackupRepository#backupFiles} did.
 *
 * @param backup the backup as recorded (its id empty in a dry run, which writes nothing); {@code backup.files()}
 *     counts what it holds and how it compared with its parent
 * @param bytesRead bytes read from files (a dry run reads none)
 * @param bytesToRead in a dry run, the bytes a backup would read now: the new and changed files' lengths
 * @param packsWritten pack files written
 * @param leftOut entries (or directories' contents) the backup does not hold: they vanished, could not be read or
 *     were replaced while backed up; a warning names each
 * @param warnings what was left out or kept as it was read, one line each: files that vanished, could not be read
 *     (permission denied) or changed while read; the backup is complete otherwise
 */
public record FileBackupResult(BackupInfo backup, long bytesRead, long bytesToRead, int packsWritten, long leftOut,
        List<String> warnings) {

    /** Copies the list. */
    public FileBackupResult {
        warnings = List.copyOf(warnings);
    }
}
