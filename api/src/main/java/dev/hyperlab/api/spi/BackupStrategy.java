package dev.hyperlab.api.spi;

import java.io.IOException;
import org.apiguardian.api.API;

/**
 * How a backup describes the disks of a machine to the backup repository: which byte ranges to store, which to take
 * unchanged from an earlier backup, and which are holes. The built-in strategies {@code full}, {@code incremental}
 * and {@code dedup} implement this interface exactly as a plugin does, so every backup, built-in or not, is restored
 * by the same restore.
 *
 * <p>A strategy never writes repository files itself: it calls the {@link DiskSink} of each disk, and the repository
 * hashes, compresses, encrypts and packs what it is given. A strategy is stateless between runs; what it needs to
 * know about earlier backups it asks the {@link BackupContext}.
 *
 * <p>Unlike firmware models and drivers, a strategy does real I/O: the repository calls it on the thread running the
 * {@code backup run} command, not on the simulation thread, and does not cut it off; the other rules of
 * {@link Extension} hold (deterministic, never {@code null}).
 *
 * <p>Example, a strategy that stores every allocated byte in 1 MiB chunks:
 *
 * <pre>{@code
 * public final class EveryByte implements BackupStrategy {
 *     public String id() { return "every-byte"; }
 *
 *     public String description() { return "every allocated byte, no tricks"; }
 *
 *     public void backup(BackupContext context) throws IOException {
 *         for (SourceDisk disk : context.disks()) {
 *             DiskSink sink = context.sink(disk);
 *             for (ByteRange range : disk.allocated()) {
 *                 for (long at = range.offset(); at < range.end(); at += sink.maxChunk()) {
 *                     sink.store(at, (int) Math.min(sink.maxChunk(), range.end() - at));
 *                 }
 *             }
 *         }
 *     }
 * }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface BackupStrategy extends Extension {

    /**
     * The id that {@code backup run --strategy ID} takes: lower-case letters, digits and dashes, unique among the
     * strategies the lab knows ({@code full}, {@code incremental} and {@code dedup} are taken by the built-ins).
     */
    @Override
    String id();

    /**
     * Describes every disk of {@link BackupContext#disks()} to its sink. The backup is recorded only when this
     * returns normally; an exception abandons it and leaves the repository as it was (blobs already stored are kept
     * for the next backup to reuse, and dirty bitmaps are not cleared).
     *
     * @throws IOException when a disk cannot be read or the repository cannot be written
     */
    void backup(BackupContext context) throws IOException;
}
