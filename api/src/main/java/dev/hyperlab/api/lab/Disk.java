package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * A disk image: a qcow2 or raw file, whether a VM of the lab uses it, the lab made it, or it came from elsewhere
 * (QEMU, libvirt, Proxmox). A handle: it names the file and reads it on each call; it never changes the image.
 *
 * <pre>{@code
 * Disk d = lab.createDisk(DiskSpec.of("web.qcow2", Sizes.parse("20GiB")).withOs("linux-server"));
 * DiskInfo i = d.info();          // format, virtual size, allocated bytes, backing chain, snapshots, bitmaps
 * if (d.check().corrupt()) { ... }
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public interface Disk {

    /** The image file, as an absolute path ({@code mem:} names in a lab that lives in memory). */
    String path();

    /** What {@code disk info} shows: read now, as {@code qemu-img info} would. */
    DiskInfo info();

    /**
     * Checks the image's consistency as {@code qemu-img check} does, changing nothing. A damaged image is a result
     * ({@link DiskCheck#corrupt()}), not an exception; an image that cannot be read at all throws {@link LabException}.
     */
    DiskCheck check();
}
