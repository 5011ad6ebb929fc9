package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@link Backups#image} did: an offline disk image of a physical host. Without a hypervisor to snapshot under a
 * running OS, the host is shut down and booted into an imaging environment (a live Linux), which reads its disks while
 * nothing writes to them: the host is down for {@link #downtime()}, the {@code imaging-boot} and {@code imaging} phases
 * of its timeline. A host that was up is powered on again afterwards.
 *
 * <pre>{@code
 * HostImageRun r = lab.backups("/srv/backups", "").image("esx1", "full");
 * System.out.println(r.backup().shortId() + " down " + r.downtime() + " (" + r.environmentBoot() + " boot + "
 *         + r.read() + " read)");
 * }</pre>
 *
 * @param backup the image as recorded ({@link BackupInfo#isHostImage()}); its id is empty in a dry run
 * @param started lab time the host went down (the image's consistent point)
 * @param environmentBoot lab time the imaging environment took to boot: the host's POST, then a live Linux
 * @param read lab time reading the disks' data, each at its sequential read bandwidth
 * @param poweredOn whether the host was up before and was powered on again
 * @param warnings what did not stop it: a fall back to a full image (no change tracker in the host's OS), a stale
 *     lock removed
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record HostImageRun(BackupInfo backup, Duration started, Duration environmentBoot, Duration read,
        boolean poweredOn, List<String> warnings) {

    /** Copies the list. */
    public HostImageRun {
        warnings = List.copyOf(warnings);
    }

    /**
     * How long the host was off for the image: the imaging environment's boot plus the read. A host that was up then
     * boots again ({@link #poweredOn()}); the outage its users see ends when that boot does (its timeline).
     */
    public Duration downtime() {
        return environmentBoot.plus(read);
    }
}
