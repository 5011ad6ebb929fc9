package dev.hyperlab.core.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * An open disk image: the virtual block device a VM sees, backed by a real file in a real format (qcow2 or raw).
 *
 * <p>Offsets and lengths are in bytes of the virtual disk. Reads of ranges that were never written return zeros, or
 * the bytes of the backing image for a copy-on-write overlay. Implementations are not thread-safe: the engine owns an
 * image from one thread at a time.
 */
public interface DiskImage extends AutoCloseable {

    /** The file this image lives in. */
    Path path();

    /** The on-disk format of {@link #path()}. */
    ImageFormat format();

    /** Size of the virtual disk in bytes. */
    long virtualSize();

    /** True when the image was opened without write access. */
    boolean readOnly();

    /** Fills {@code dst} from its position to its limit with the bytes at {@code offset} of the virtual disk. */
    void read(long offset, ByteBuffer dst) throws IOException;

    /** Writes {@code src} from its position to its limit at {@code offset}; fails on a read-only image. */
    void write(long offset, ByteBuffer src) throws IOException;

    /**
     * How {@code [offset, offset + length)} of the virtual disk is stored, as consecutive extents in order that cover
     * the range exactly (what {@code qemu-img map} reports). Adjacent extents of the same kind and depth are merged.
     */
    List<Extent> map(long offset, long length) throws IOException;

    /**
     * At most how many bytes of new space in {@link #path()} writing all of {@code [offset, offset + length)} would
     * take: the parts this image does not store yet (holes, ranges left to the backing file) and, in a qcow2 image,
     * clusters it shares with an internal snapshot (written copy-on-write) and the L2 tables still missing. For an
     * estimate before writing (a disk budget); reads metadata only. By default: what {@link #map} reports as not
     * stored here.
     */
    default long bytesToAllocate(long offset, long length) throws IOException {
        long n = 0;
        for (Extent e : map(offset, length)) {
            n += e.data() && e.depth() == 0 ? 0 : e.length();
        }
        return n;
    }

    /** The image this one is a copy-on-write overlay of, if any. */
    default java.util.Optional<DiskImage> backing() {
        return java.util.Optional.empty();
    }

    /** Makes every write so far durable (metadata included). */
    void flush() throws IOException;

    /**
     * Writes the data written so far to the host disk and waits for it (fdatasync), without counting the image as
     * synced: {@link #flush()} still makes everything durable. Safe to call from another thread while this one writes,
     * so that a bulk copy's final flush finds most of its bytes already on disk instead of all of them.
     */
    default void writeBack() throws IOException {}

    /**
     * Asks that large aligned data writes from direct buffers bypass the host's page cache ({@code O_DIRECT}) from now
     * on, for a bulk copy that ends in {@link #flush()} anyway (a synced conversion): its bytes go to the disk once,
     * straight from the caller's buffer, instead of being copied into the page cache and written back later. Metadata
     * and unaligned writes are unaffected. Returns whether it took effect (false by default, and where the file system
     * refuses {@code O_DIRECT}).
     */
    default boolean useDirectWrites() {
        return false;
    }

    /** Flushes and releases the file. */
    @Override
    void close() throws IOException;

    /**
     * Writes back all metadata and releases the file without waiting for the host disk: the bytes sit in the page
     * cache, safe from a killed process but not from a power cut, as {@code qemu-img convert} leaves its output.
     * For bulk copies whose caller decides on durability.
     */
    default void closeUnsynced() throws IOException {
        close();
    }
}
