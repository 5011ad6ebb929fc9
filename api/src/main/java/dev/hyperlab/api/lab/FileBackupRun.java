package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@link Backups#backupFiles} did.
 *
 * <pre>{@code
 * FileBackupRun r = lab.backups("/srv/backups", "").backupFiles(List.of("/etc", "/home"), List.of("*.tmp"));
 * System.out.println(r.backup().shortId() + ": " + r.backup().files().files() + " files, "
 *         + r.backup().files().unchangedFiles() + " not read again");
 * }</pre>
 *
 * @param backup the backup as recorded ({@link BackupInfo#files()} counts what it holds); its id is empty in a dry
 *     run, which reads no file and writes nothing
 * @param bytesRead bytes read from files
 * @param bytesToRead in a dry run, the bytes a backup would read now (new and changed files); 0 otherwise
 * @param leftOut entries left out: they vanished, could not be read (permission denied) or were replaced while
 *     backed up; the warnings name each
 * @param warnings one line each: what was left out, and files that changed while they were read (kept as read)
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record FileBackupRun(BackupInfo backup, long bytesRead, long bytesToRead, long leftOut, List<String> warnings) {

    /** Copies the list. */
    public FileBackupRun {
        warnings = List.copyOf(warnings);
    }
}
