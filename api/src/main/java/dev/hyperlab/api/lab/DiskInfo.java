package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@code disk info} shows: an image as {@code qemu-img info --output=json --backing-chain} describes it, plus what
 * the lab uses it for. Where both report a field they agree: virtual size, cluster size, backing file, snapshots.
 *
 * <pre>{@code
 * for (Disk d : lab.disks()) {
 *     DiskInfo i = d.info();
 *     System.out.println(i.path() + " " + i.format() + " " + i.role() + " used by " + i.usedBy());
 * }
 * }</pre>
 *
 * @param path the image file (absolute)
 * @param format {@code qcow2} or {@code raw}
 * @param virtualSize size of the virtual disk in bytes
 * @param actualSize bytes the file occupies on the host (its data; holes in a sparse file excluded)
 * @param clusterSize qcow2 cluster size in bytes; 0 for raw
 * @param backingFile the backing file's name as the image stores it (qemu-img's {@code backing-filename}), or empty
 * @param backingFormat the backing file's recorded format, or empty
 * @param backingChain the images below this one, nearest first, each resolved to a full path
 * @param snapshots internal snapshots, in table order
 * @param bitmaps persistent dirty bitmaps
 * @param dirty the qcow2 dirty bit: refcounts may need repair (an image left open by a killed process)
 * @param corrupt the qcow2 corrupt bit: QEMU found corruption and refuses to write it
 * @param role what the lab uses it for: {@code vm-disk} (a disk it made for a VM), {@code base} (an OS profile's
 *     shared base image), {@code created} or {@code converted} ({@code disk create} / {@code disk convert}),
 *     {@code attached} (a file a VM uses), {@code host-disk} (a physical host's disk, made when the host first needs
 *     it: {@code host install}, a boot, a bare-metal restore), or {@code none}
 * @param usedBy the VMs whose disks read it, as {@code VM:DEVICE} (through their overlays for a base image), or the
 *     host whose disk it is, as {@code HOST:DEVICE}; sorted
 */
@API(status = STABLE, since = "0.1")
public record DiskInfo(
        String path, String format, long virtualSize, long actualSize, int clusterSize, String backingFile,
        String backingFormat, List<BackingImage> backingChain, List<SnapshotEntry> snapshots, List<BitmapEntry> bitmaps,
        boolean dirty, boolean corrupt, String role, List<String> usedBy) {

    public DiskInfo {
        backingChain = List.copyOf(backingChain);
        snapshots = List.copyOf(snapshots);
        bitmaps = List.copyOf(bitmaps);
        usedBy = List.copyOf(usedBy);
    }

    /**
     * An image in the backing chain.
     *
     * @param path the file, resolved as QEMU resolves it (relative to the image that names it)
     * @param format {@code qcow2} or {@code raw}
     * @param virtualSize its virtual size in bytes
     */
    @API(status = STABLE, since = "0.1")
    public record BackingImage(String path, String format, long virtualSize) {}

    /**
     * An internal snapshot, as {@code qemu-img snapshot -l} lists it.
     *
     * @param id QEMU's id ({@code 1}, {@code 2}, ...)
     * @param name the snapshot's name
     * @param vmStateSize bytes of saved VM state (0 for a disk-only snapshot)
     * @param diskSize the virtual size when it was taken
     * @param date when it was taken (hyperlab records lab time; QEMU the wall clock)
     * @param vmClock the guest's clock when it was taken
     */
    @API(status = STABLE, since = "0.1")
    public record SnapshotEntry(String id, String name, long vmStateSize, long diskSize, Duration date,
            Duration vmClock) {}

    /**
     * A persistent dirty bitmap: the clusters written since it was started (what an incremental backup copies).
     *
     * @param name its name ({@code hyperlab-cbt} tracks a VM disk's changes for backups)
     * @param granularity bytes per bit
     * @param enabled it records writes
     * @param inUse it is inconsistent (the image was not closed cleanly) and must not be trusted
     */
    @API(status = STABLE, since = "0.1")
    public record BitmapEntry(String name, long granularity, boolean enabled, boolean inUse) {}
}
