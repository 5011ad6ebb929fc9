package dev.hyperlab.core.storage;

import dev.hyperlab.core.storage.qcow2.Qcow2CreateOptions;
import dev.hyperlab.core.storage.qcow2.Qcow2Image;
import dev.hyperlab.core.storage.raw.RawImage;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Converts a disk image to a new file of either format, like {@code qemu-img convert}: the source's allocation map
 * skips holes without reading them, data is read in large sequential chunks, and runs of zeros inside data are not
 * written (so the target stays sparse). Memory is a fixed set of buffers, whatever the image size: one thread reads
 * the source into them and finds their zero granules, while the calling thread only writes the target: with one
 * {@code O_DIRECT} write in flight at a time, every moment the writer spends scanning is a moment the disk idles.
 *
 * <p>A synced conversion writes its data past the page cache ({@link DiskImage#useDirectWrites()}, as
 * {@code qemu-img convert -t none} does) where the file system allows: the bytes must reach the disk before the
 * conversion returns anyway, and copying them into the page cache first was the largest CPU cost of the whole
 * command, its write-back the largest wait (docs/performance.md, issue 15). The buffers are block-aligned for it.
 */
public final class ImageConverter {
    /** Bytes read or written per I/O call. */
    static final int CHUNK = 4 << 20;
    /** Buffers in flight between the reader and the writer. */
    private static final int BUFFERS = 3;
    /** Bytes written between two background write-backs of a synced conversion ({@link WriteBehind}). */
    private static final long WRITE_BEHIND = 64L << 20;
    /** Alignment of the chunk buffers: a page, the largest block size {@code O_DIRECT} asks of a buffer here. */
    private static final int ALIGN = 4096;
    /** Virtual bytes mapped per {@code map} call, so the extent list stays small for huge sparse images. */
    private static final long MAP_WINDOW = 1L << 30;

    private ImageConverter() {}

    /** What a conversion did. */
    public record Result(long virtualSize, long bytesRead, long bytesWritten) {}

    /**
     * Converts {@code source} into a new image {@code target} (which must not exist) of {@code format}. Like
     * {@code qemu-img convert}, the result is left in the page cache, not synced to disk.
     */
    public static Result convert(DiskImage source, Path target, ImageFormat format) throws IOException {
        return convert(source, target, format, Qcow2CreateOptions.DEFAULT_CLUSTER_SIZE, false);
    }

    public static Result convert(DiskImage source, Path target, ImageFormat format, int clusterSize) throws IOException {
        return convert(source, target, format, clusterSize, false);
    }

    /** As above; {@code sync} makes the target durable (fsync) before returning. */
    public static Result convert(DiskImage source, Path target, ImageFormat format, int clusterSize, boolean sync)
            throws IOException {
        if (Files.exists(target)) throw new ImageException(target + ": file already exists");
        long size = source.virtualSize();
        DiskImage out = switch (format) {
            case QCOW2 -> Qcow2Image.create(target, Qcow2CreateOptions.ofSize(size).withClusterSize(clusterSize));
            case RAW -> RawImage.create(target, size);
        };
        // A qcow2 target allocates whole clusters, so only whole zero clusters are worth skipping; raw skips 4 KiB.
        int zeroGranule = format == ImageFormat.QCOW2 ? clusterSize : 4096;
        try {
            Result r = copy(source, out, zeroGranule, sync);
            if (sync) out.close(); else out.closeUnsynced();
            return r;
        } catch (IOException | RuntimeException e) {
            out.closeUnsynced();
            Files.deleteIfExists(target);
            throw e;
        }
    }

    /** A chunk read from the source; {@code runs} holds the [start, end) pairs, relative to it, of its non-zero runs. */
    private record Chunk(long offset, ByteBuffer data, int[] runs, Throwable failure, boolean last) {}

    private static Result copy(DiskImage src, DiskImage dst, int granule, boolean sync) throws IOException {
        BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
        BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(BUFFERS + 1);
        // aligned to the page, so that the runs of a chunk that start on a block boundary can be written O_DIRECT
        for (int i = 0; i < BUFFERS; i++) free.add(ByteBuffer.allocateDirect(CHUNK + ALIGN).alignedSlice(ALIGN));
        long[] read = new long[1];
        MemorySegment zeros = MemorySegment.ofBuffer(ByteBuffer.allocateDirect(granule));
        Thread reader = Thread.ofPlatform().name("convert-reader").daemon().start(() -> {
            try {
                long size = src.virtualSize();
                for (long w = 0; w < size; w += MAP_WINDOW) {
                    List<Extent> extents = src.map(w, Math.min(MAP_WINDOW, size - w));
                    for (Extent e : extents) {
                        if (!e.data()) continue;
                        for (long pos = e.offset(); pos < e.end(); ) {
                            // chunks end on granule boundaries so zero detection sees whole granules
                            long limit = Math.min(e.end(), ((pos + CHUNK) / granule) * granule);
                            if (limit <= pos) limit = Math.min(e.end(), pos + CHUNK);
                            ByteBuffer b = free.take();
                            b.clear().limit((int) (limit - pos));
                            src.read(pos, b);
                            b.flip();
                            read[0] += b.remaining();
                            full.put(new Chunk(pos, b, nonZeroRuns(b, pos, zeros, granule), null, false));
                            pos = limit;
                        }
                    }
                }
                full.put(new Chunk(0, null, null, null, true));
            } catch (Throwable t) {
                try {
                    full.put(new Chunk(0, null, null, t, true));
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        long written = 0;
        // written past the page cache, the data needs no write-back: the final fsync finds it on disk
        WriteBehind behind = sync && !dst.useDirectWrites() ? new WriteBehind(dst) : null;
        try {
            while (true) {
                Chunk c = full.take();
                if (c.failure() != null) {
                    if (c.failure() instanceof IOException io) throw io;
                    throw new IOException("reading the source failed: " + c.failure(), c.failure());
                }
                if (c.last()) break;
                written += writeRuns(dst, c.offset(), c.data(), c.runs());
                free.put(c.data());
                if (behind != null) behind.wrote(written);
            }
            if (behind != null) behind.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("conversion interrupted", e);
        } finally {
            reader.interrupt();
            if (behind != null) behind.stop();
        }
        return new Result(src.virtualSize(), read[0], written);
    }

    /**
     * For a conversion that ends synced: every {@value #WRITE_BEHIND} bytes written, a background thread writes the
     * target's data so far to disk (fdatasync) while the copy goes on, so that the final fsync waits for the last
     * stretch instead of the whole image. Measured on the 2 GiB reference image (563 MiB of data): the final fsync
     * took 0.38 s of a 1.4 s conversion.
     */
    private static final class WriteBehind {
        private final DiskImage target;
        private final ExecutorService thread = Executors.newSingleThreadExecutor(
                r -> Thread.ofPlatform().name("convert-write-behind").daemon().unstarted(r));
        private Future<?> pending;
        private long lastMark;

        WriteBehind(DiskImage target) {
            this.target = target;
        }

        /** Called after each write with the bytes written so far; starts a write-back when one is due and none runs. */
        void wrote(long written) throws IOException {
            if (written - lastMark >= WRITE_BEHIND && (pending == null || pending.isDone())) {
                await();
                lastMark = written;
                pending = thread.submit(() -> {
                    target.writeBack();
                    return null;
                });
            }
        }

        /** Waits for the running write-back, if any; its failure is the conversion's. */
        void await() throws IOException {
            if (pending == null) return;
            try {
                pending.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("conversion interrupted", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }

        void stop() {
            thread.shutdown();
        }
    }

    /** Writes the given runs of {@code data} (pairs of [start, end) relative to it); returns the bytes written. */
    private static long writeRuns(DiskImage dst, long offset, ByteBuffer data, int[] runs) throws IOException {
        long written = 0;
        for (int i = 0; i < runs.length; i += 2) {
            int from = runs[i];
            int to = runs[i + 1];
            dst.write(offset + from, data.slice(from, to - from));
            written += to - from;
        }
        return written;
    }

    /**
     * The runs of {@code data} (its whole remaining content, read from disk offset {@code offset}) that are not whole
     * zero granules, as [start, end) pairs relative to its position. Granules are aligned to the disk, not the chunk.
     */
    static int[] nonZeroRuns(ByteBuffer data, long offset, MemorySegment zeros, int granule) {
        MemorySegment seg = MemorySegment.ofBuffer(data);
        int n = data.remaining();
        int[] runs = new int[8];
        int count = 0;
        int runStart = -1;
        int pos = 0;
        while (pos < n) {
            int next = (int) Math.min(n, ((offset + pos) / granule + 1) * granule - offset);
            if (isZero(seg, pos, next, zeros)) {
                if (runStart >= 0) {
                    if (count == runs.length) runs = java.util.Arrays.copyOf(runs, count * 2);
                    runs[count++] = runStart;
                    runs[count++] = pos;
                    runStart = -1;
                }
            } else if (runStart < 0) {
                runStart = pos;
            }
            pos = next;
        }
        if (runStart >= 0) {
            if (count == runs.length) runs = java.util.Arrays.copyOf(runs, count + 2);
            runs[count++] = runStart;
            runs[count++] = n;
        }
        return count == runs.length ? runs : java.util.Arrays.copyOf(runs, count);
    }

    /**
     * Whether {@code [from, to)} of {@code seg} is all zeros. Small, so that the JIT compiles it early (it runs once
     * per granule): a granule of data nearly always shows a non-zero byte in its first word, which is looked at before
     * the whole range is compared.
     */
    private static boolean isZero(MemorySegment seg, int from, int to, MemorySegment zeros) {
        if (to - from >= Long.BYTES && seg.get(ValueLayout.JAVA_LONG_UNALIGNED, from) != 0) return false;
        return MemorySegment.mismatch(seg, from, to, zeros, 0, to - from) < 0;
    }
}
