package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@link Backups#restore} or {@link Backups#restoreAsVm} did. A restore is {@link #complete()} only when every
 * byte of every disk was read back, verified and written; otherwise {@link #damaged()} names what could not be, and
 * those ranges read as zeros.
 *
 * <p>For a restore as a VM the times are the recovery a person plans for: {@link #restoreTime()} (the {@code restore}
 * phase of the new VM's timeline: the data written at the host datastore's bandwidth), then {@link #bootTime()} (its
 * boot phases, until it runs), and {@link #recoveryTime()}, their sum from the restore's start.
 *
 * <pre>{@code
 * BackupRestore r = lab.backups("/srv/backups", "").restoreAsVm(id, "web1-drill", "");
 * System.out.println(r.restoreTime() + " + " + r.bootTime() + " = " + r.recoveryTime());
 * }</pre>
 *
 * @param backupId the backup restored (full id)
 * @param vm the VM defined from the backup, or empty for a restore to a path
 * @param host the host the VM was defined on, or empty
 * @param hostChoice why that host: {@code requested}, {@code original host}, or {@code first running host with room}
 * @param disks each disk written: where, and how much data
 * @param damaged one line per range that could not be restored (disk, offset, length, why); empty when complete
 * @param warnings problems that did not affect the bytes
 * @param started lab time the restore began
 * @param restoreTime lab time the restore phase took
 * @param bootTime lab time from the end of the restore until the VM ran (zero for a restore to a path)
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record BackupRestore(
        String backupId, String vm, String host, String hostChoice, List<RestoredDisk> disks, List<String> damaged,
        List<String> warnings, Duration started, Duration restoreTime, Duration bootTime) {

    /** Copies the lists. */
    public BackupRestore {
        disks = List.copyOf(disks);
        damaged = List.copyOf(damaged);
        warnings = List.copyOf(warnings);
    }

    /** True when every byte was restored and verified. */
    public boolean complete() {
        return damaged.isEmpty();
    }

    /** Restore plus boot: how long the VM was unavailable from the start of the restore. */
    public Duration recoveryTime() {
        return restoreTime.plus(bootTime);
    }

    /**
     * One restored disk.
     *
     * @param name the disk's name in the backup ({@code disk0}, ...)
     * @param path the image written (a new file, or the new VM's image)
     * @param format {@code raw} or {@code qcow2}
     * @param virtualSize size of the virtual disk
     * @param bytesWritten data bytes written (holes stay holes)
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    public record RestoredDisk(String name, String path, String format, long virtualSize, long bytesWritten) {}
}
