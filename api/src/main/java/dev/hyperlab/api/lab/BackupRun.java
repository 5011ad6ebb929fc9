package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@link Backups#run} did. A backup of a running VM is <em>live</em>: a temporary disk-only snapshot gives it a
 * consistent point in time (the VM pauses for the snapshot, the {@code snapshot} phase of its timeline), the backup
 * reads that snapshot while the VM runs on (the {@code backup} phase), and the snapshot is deleted at the end.
 *
 * <pre>{@code
 * BackupRun r = lab.backups("/srv/backups", "").run("web1", "incremental");
 * System.out.println(r.backup().shortId() + (r.live() ? " live" : " offline") + " in " + r.duration());
 * }</pre>
 *
 * @param backup the backup as recorded; its id is empty in a dry run, which writes nothing to the repository
 * @param live whether the VM was running (or booting) and a temporary snapshot was taken
 * @param started lab time the backup began (its consistent point)
 * @param duration lab time it took: the disks' data read at the host datastore's bandwidth
 * @param warnings problems that did not stop it (a stale lock removed, a damaged index file)
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record BackupRun(BackupInfo backup, boolean live, Duration started, Duration duration, List<String> warnings) {

    /** Copies the list. */
    public BackupRun {
        warnings = List.copyOf(warnings);
    }
}
