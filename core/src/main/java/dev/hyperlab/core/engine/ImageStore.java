package dev.hyperlab.core.engine;

import dev.hyperlab.core.model.OsProfile;
import dev.hyperlab.core.storage.DiskImage;

/**
 * Where a lab's disk images live and how they are made: host disks, the shared base image of each OS profile, and the
 * VMs' disks (thin overlays on a base, or blank). Handles are cached: the engine opens an image once.
 */
interface ImageStore extends AutoCloseable {

    /** A physical disk of a host, blank when first asked for. */
    DiskImage hostDisk(String host, String device, long size);

    /** Lays a boot loader for {@code what} (a {@link dev.hyperlab.core.firmware.BootMarker} tag) on a host disk. */
    void installHostLoader(String host, String device, long size, String firmware, String what);

    /** Creates a VM's boot disk as a thin overlay on the profile's base image and returns its path. */
    String createOverlay(String vm, String device, OsProfile profile, String firmware);

    /** Creates a blank VM disk of {@code size} bytes and returns its path. */
    String createBlank(String vm, String device, long size);

    /** The image at {@code path} (a path this store made, or an attached file). */
    DiskImage open(String path);

    /** Deletes an image this store made. */
    void delete(String path);

    /**
     * The internal snapshots of image {@code path}; throws {@link dev.hyperlab.api.lab.LabException}
     * ({@code NOT_ALLOWED}) for an image whose format cannot hold them (raw).
     */
    DiskSnapshots snapshots(String path);

    /** The image format name of {@code path} ({@code qcow2}, {@code raw}). */
    String format(String path);

    /** The path as a person should see it (absolute for files). */
    default String displayPath(String path) {
        return path;
    }

    /** Makes every write so far durable: called before the lab's model is saved. */
    default void flush() {}

    @Override
    void close();
}
