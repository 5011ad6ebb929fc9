package dev.hyperlab.api.spi;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apiguardian.api.API;

/**
 * Where a strategy records what one disk holds. Calls describe the disk from its start to its end: each call covers
 * a range that starts at or after the end of the previous call's range. Ranges never described are holes (they
 * restore as zeros and stay unallocated), so every range that holds data ({@link SourceDisk#allocated()} and not all
 * zeros) must be described: a backup that leaves one out is refused, and no backup is written.
 *
 * <p>Chunks are hashed, compressed and written by the repository on other threads, so {@code store} returns as soon
 * as the bytes are handed over; identical chunks, within this backup or already in the repository, are stored once.
 * A chunk that is all zeros is recorded as a hole.
 *
 * <p>Example, an incremental step: keep the base backup's data, store what changed:
 *
 * <pre>{@code
 * long at = 0;
 * for (ByteRange changed : blocks.ranges()) {
 *     if (changed.offset() > at) sink.keep(base, at, changed.offset() - at);
 *     for (long o = changed.offset(); o < changed.end(); o += sink.maxChunk()) {
 *         sink.store(o, (int) Math.min(sink.maxChunk(), changed.end() - o));
 *     }
 *     at = changed.end();
 * }
 * if (at < disk.virtualSize()) sink.keep(base, at, disk.virtualSize() - at);
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface DiskSink {

    /** The largest chunk {@code store} accepts, in bytes. */
    int maxChunk();

    /**
     * Stores the disk's bytes in {@code [offset, offset + length)} as one chunk, read by the repository from the
     * source disk.
     *
     * @throws IllegalArgumentException when the range is out of order, outside the disk, empty or longer than
     *     {@link #maxChunk()}
     */
    void store(long offset, int length) throws IOException;

    /**
     * Stores {@code bytes} from its position to its limit as the chunk at {@code offset}, for bytes the strategy
     * already read (for instance to find content-defined cut points). The bytes are copied before this returns; the
     * buffer's position is left unchanged.
     *
     * @throws IllegalArgumentException as for {@link #store(long, int)}
     */
    void store(long offset, ByteBuffer bytes) throws IOException;

    /**
     * Records that {@code [offset, offset + length)} is unchanged since backup {@code base}: the new backup refers
     * to the base's chunks for it without reading the disk. Holes of the base stay holes.
     *
     * @throws IllegalArgumentException when the range is out of order or outside the disk, or {@code base} has no
     *     disk of this name and size
     */
    void keep(PriorBackup base, long offset, long length) throws IOException;
}
