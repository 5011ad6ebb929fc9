package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@link Backups#backupHostFiles} did: a file backup of files inside a physical host, read by a file agent in
 * the host's running OS (crash-consistent: each file as it was when read).
 *
 * <pre>{@code
 * HostFilesRun r = lab.backups("/srv/backups", "").backupHostFiles("esx1", List.of("/etc"), List.of());
 * System.out.println(r.backup().shortId() + ": " + r.backup().files().files() + " files in " + r.read());
 * }</pre>
 *
 * @param backup the backup as recorded ({@link BackupInfo#files()} counts what it holds); its id is empty in a dry
 *     run, which reads no file and writes nothing
 * @param bytesRead bytes of file data read
 * @param bytesToRead in a dry run, the bytes a backup would read now (new and changed files); 0 otherwise
 * @param leftOut entries left out (names that are no file names in the image); the warnings name each
 * @param started lab time the agent started
 * @param read lab time the agent took: the {@code file-backup} phase of the host's timeline
 * @param mounts which file system of which disk is mounted where, and those that are not, one line each
 * @param warnings one line each: what was left out, a stale lock removed
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record HostFilesRun(BackupInfo backup, long bytesRead, long bytesToRead, long leftOut, Duration started,
        Duration read, List<String> mounts, List<String> warnings) {

    /** Copies the lists. */
    public HostFilesRun {
        mounts = List.copyOf(mounts);
        warnings = List.copyOf(warnings);
    }
}
