package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@link Backups#restoreFiles} did (or, in a dry run, would do). A restore is {@link #complete()} only when every
 * byte of every file was read back, verified and written; otherwise {@link #damaged()} names the ranges that could
 * not be, which read as zeros.
 *
 * <pre>{@code
 * FileRestore r = lab.backups("/srv/backups", "").restoreFiles("60239dcd", "/srv/restored", List.of(), false);
 * System.out.println(r.files() + " files restored" + (r.complete() ? "" : ", damaged: " + r.damaged()));
 * }</pre>
 *
 * @param backupId the backup restored (full id)
 * @param directory the directory restored into (absolute); the backup's paths are recreated below it
 * @param files regular files written
 * @param directories directories created (or, when overwriting, reused)
 * @param others symbolic links, FIFOs, sockets and device files created
 * @param links hard links made (names of a file already restored)
 * @param bytesWritten data bytes written (holes stay holes)
 * @param leftOut entries of the backup not restored: with overwrite, a directory in the way of a file or link (left
 *     as it is); without root, device files; each named in {@code warnings}
 * @param damaged one line per range that could not be restored: path, bytes and why
 * @param warnings what was restored other than it was backed up: owners without root, extended attributes the
 *     target's file system refuses, entries in the way
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record FileRestore(String backupId, String directory, long files, long directories, long others, long links,
        long bytesWritten, long leftOut, List<String> damaged, List<String> warnings) {

    /** Copies the lists. */
    public FileRestore {
        damaged = List.copyOf(damaged);
        warnings = List.copyOf(warnings);
    }

    /** True when every byte was restored and verified. */
    public boolean complete() {
        return damaged.isEmpty();
    }
}
