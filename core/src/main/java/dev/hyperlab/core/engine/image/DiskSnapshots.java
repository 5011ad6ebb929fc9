package dev.hyperlab.core.engine.image;

import dev.hyperlab.core.storage.Extent;
import dev.hyperlab.core.storage.qcow2.Qcow2Snapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * The internal snapshots of one disk image: a qcow2 file's snapshot table ({@link Qcow2DiskSnapshots}), or an
 * in-memory image's for in-memory labs and dry runs ({@link MemoryDiskSnapshots}). Names are unique per image.
 */
public interface DiskSnapshots {

    /**
     * One snapshot as the image lists it ({@code qemu-img snapshot -l}).
     *
     * @param id the image's id for it ("1", "2", ...)
     * @param name its name
     * @param vmStateSize bytes of VM state saved with it
     * @param dateSec seconds part of its date (lab time for hyperlab's)
     * @param dateNsec nanoseconds part
     * @param vmClockNsec the guest clock then
     * @param diskSize the virtual disk's size then
     */
    record Entry(String id, String name, long vmStateSize, long dateSec, int dateNsec, long vmClockNsec,
            long diskSize) {}

    /** Metadata I/O an operation did on the image file, charged to the pause as disk work. */
    record Cost(long bytes, long ops) {
        static final Cost NONE = new Cost(0, 0);
    }

    List<Entry> list();

    default Optional<Entry> find(String name) {
        return list().stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** Takes snapshot {@code name} of the image as it is now, with {@code vmState} (may be empty) saved with it. */
    Cost create(String name, Qcow2Snapshot.Times times, ByteBuffer vmState) throws IOException;

    /** Makes the image read as it did at snapshot {@code name}. */
    void apply(String name) throws IOException;

    /** Deletes snapshot {@code name}, freeing what only it used; the metadata I/O that took. */
    Cost delete(String name) throws IOException;

    /** The VM state saved with snapshot {@code name} (empty for a disk-only one). */
    byte[] readVmState(String name) throws IOException;

    /** Reads the disk as it was at snapshot {@code name}. */
    void read(String name, long offset, ByteBuffer dst) throws IOException;

    /** How the disk as it was at snapshot {@code name} is stored (data or zeros), as {@code qemu-img map} reports. */
    List<Extent> map(String name, long offset, long length) throws IOException;

    /**
     * After an operation failed half-way: forgets what the open image holds in memory and reads its file again (a
     * qcow2 file left dirty is repaired on open), so what is listed next is what is on disk.
     */
    default void reload() {}
}
