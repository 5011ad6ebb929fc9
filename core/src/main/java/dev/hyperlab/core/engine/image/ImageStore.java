package dev.hyperlab.core.engine.image;

import dev.hyperlab.core.calibration.OsProfile;
import dev.hyperlab.core.storage.DiskImage;

/**
 * Where a lab's disk images live and how they are made: host disks, the shared base image of each OS profile, and the
 * VMs' disks (thin overlays on a base, or blank). Handles are cached: the engine opens an image once.
 */
public interface ImageStore extends AutoCloseable {

    /** A physical disk of a host, blank when first asked for. */
    DiskImage hostDisk(String host, String device, long size);

    /** Whether host {@code host}'s disk {@code device} exists yet ({@link #hostDisk} makes it blank on first use). */
    boolean hasHostDisk(String host, String device);

    /**
     * The path of host {@code host}'s disk {@code device} as this store names it (what {@link #inspect} and
     * {@link #displayPath} take) once the disk exists, else empty: listing the lab's images must not make one.
     */
    java.util.Optional<String> hostDiskPath(String host, String device);

    /** Deletes host {@code host}'s disk {@code device}, if it was ever made ({@code host delete}). */
    void deleteHostDisk(String host, String device);

    /** Lays a boot loader for {@code what} (a {@link dev.hyperlab.core.firmware.BootMarker} tag) on a host disk. */
    void installHostLoader(String host, String device, long size, String firmware, String what);

    /**
     * An identity of host {@code host}'s disk {@code device}'s content while it is exactly the boot loader
     * {@link #installHostLoader} laid and nothing has been written since (equal for hosts given the same loader on a
     * disk of the same device name and size), or null where this store does not tell.
     */
    default Object hostDiskContent(String host, String device) {
        return null;
    }

    /** Creates a VM's boot disk as a thin overlay on the profile's base image and returns its path. */
    String createOverlay(String vm, String device, OsProfile profile, String firmware);

    /** Creates a blank VM disk of {@code size} bytes and returns its path. */
    String createBlank(String vm, String device, long size);

    /**
     * Creates VM {@code vm}'s disk {@code device} as a full copy of image {@code source} as the guest sees it (its
     * backing chain read through, its internal snapshots and bitmaps left behind) and returns its path.
     */
    String cloneDisk(String source, String vm, String device);

    /**
     * Creates VM {@code vm}'s disk {@code device} as a thin qcow2 overlay whose backing file is image {@code source}
     * (as {@code qemu-img create -f qcow2 -b SOURCE -F qcow2} makes one) and returns its path.
     */
    String linkedDisk(String source, String vm, String device);

    /**
     * Holds the image at {@code path} read-only from now on ({@code on}), as QEMU holds a backing file, or writable again:
     * a linked clone's overlay reads through it, and an image a writer holds cannot be another image's backing file.
     * Stores without file locks need nothing.
     */
    default void holdReadOnly(String path, boolean on) {}

    /** The lab's base image (its path here) that the VM disk at {@code path} reads through its backing chain, if any. */
    java.util.Optional<String> baseOf(String path);

    /** The image at {@code path} (a path this store made, or an attached file). */
    DiskImage open(String path);

    /**
     * The image at {@code path} taken on as a VM's disk. An image from elsewhere has refcounts nobody here has seen kept,
     * so a store that writes files checks it in full before writing anything into it, and refuses a corrupt one with
     * {@link dev.hyperlab.api.lab.LabException} ({@code INVALID}, the check's findings, nothing written).
     */
    default DiskImage attach(String path) {
        return open(path);
    }

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

    /**
     * Refuses {@code path} (absolute) for a new image: something exists there (in this store or as a file), or it
     * cannot be created there. Changes nothing.
     */
    void requireNew(String path);

    /** Creates the image {@code request} describes (validated by the caller); nothing remains of it on failure. */
    void createDisk(DiskRequest request);

    /**
     * Copies the image at {@code source} (read through its backing chain) into a new image {@code target} (absolute,
     * checked with {@link #requireNew}); nothing remains of it on failure.
     */
    void convertDisk(String source, String target, dev.hyperlab.core.storage.ImageFormat format);

    /**
     * Runs {@code query} on the image at {@code path} (a path of this store, or an absolute file path): the store's
     * own handle when it has the image open (so a VM disk is seen as the lab has written it), otherwise the file opened
     * read-only for the call. Throws {@link dev.hyperlab.api.lab.LabException} when there is no such image or it is
     * not one.
     */
    <T> T inspect(String path, ImageQuery<T> query);

    /**
     * Repairs the image at {@code path} (absolute) as {@code qemu-img check -r all} does and checks it again; the
     * store's own handle, if it has one open, is closed first and opened again on next use. Throws
     * {@link dev.hyperlab.api.lab.LabException} when the image cannot be repaired, is in use elsewhere, or this store
     * writes no files.
     */
    dev.hyperlab.core.storage.RepairReport repair(String path);

    /** The base images this store has made, by path, sorted. */
    java.util.List<String> baseImages();

    /** The path of the base image of {@code profile} for {@code firmware} (made or not). */
    String basePath(OsProfile profile, String firmware);

    /**
     * Starts tracking writes to the VM disk at {@code path} in a persistent dirty bitmap ({@code hyperlab-cbt}), where
     * the image can hold one, so that a first backup already has a bitmap to build on.
     */
    default void trackWrites(String path) {}

    /**
     * The changed-block tracker of the VM disk at {@code path}: its {@code hyperlab-cbt} dirty bitmap, when it has one.
     */
    default java.util.Optional<dev.hyperlab.core.backup.ChangedBlockTracker> tracker(String path) {
        return open(path) instanceof dev.hyperlab.core.storage.qcow2.Qcow2Image q
                ? dev.hyperlab.core.backup.Qcow2BitmapTracker.of(q).map(t -> t) : java.util.Optional.empty();
    }

    /**
     * An identity for the content of image {@code path} when it is an unwritten copy of a base image nothing writes
     * (a fresh VM disk over a shared in-memory base), else null: images with the same identity read the same bytes,
     * byte for byte, as long as they stay unwritten (each call answers for that moment).
     */
    default Object sharedContent(String path) {
        return null;
    }

    /** Whether guests write real bytes into this store's images (small labs in files; not memory, not dry runs). */
    default boolean writesGuestData() {
        return false;
    }

    /**
     * Bytes free for new image data where this store keeps its files (the file system's usable space), or empty for a
     * store that keeps nothing on disk.
     */
    default java.util.OptionalLong freeSpace() {
        return java.util.OptionalLong.empty();
    }

    /** Makes every write so far durable: called before the lab's model is saved. */
    default void flush() {}

    @Override
    void close();
}
