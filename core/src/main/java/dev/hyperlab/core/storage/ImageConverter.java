package dev.hyperlab.core.storage;

import dev.hyperlab.core.storage.qcow2.Qcow2CreateOptions;
import dev.hyperlab.core.storage.qcow2.Qcow2Image;
import dev.hyperlab.core.storage.raw.RawImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Converts a disk image to a new file of either format, like {@code qemu-img convert}: the source's allocation map
 * skips holes without reading them, data is read in large sequential chunks, and runs of zeros inside data are not
 * written (so the target stays sparse). Memory is a fixed set of buffers, whatever the image size: one thread reads
 * the source into them while the calling thread writes the target.
 */
public final class ImageConverter {
    /** Bytes read or written per I/O call. */
    static final int CHUNK = 4 << 20;
    /** Buffers in flight between the reader and the writer. */
    private static final int BUFFERS = 3;
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
            Result r = copy(source, out, zeroGranule);
            if (sync) out.close(); else out.closeUnsynced();
            return r;
        } catch (IOException | RuntimeException e) {
            out.closeUnsynced();
            Files.deleteIfExists(target);
            throw e;
        }
    }

    private record Chunk(long offset, ByteBuffer data, Throwable failure, boolean last) {}

    private static Result copy(DiskImage src, DiskImage dst, int granule) throws IOException {
        BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
        BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(BUFFERS + 1);
        for (int i = 0; i < BUFFERS; i++) free.add(ByteBuffer.allocateDirect(CHUNK));
        long[] read = new long[1];
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
                            full.put(new Chunk(pos, b, null, false));
                            pos = limit;
                        }
                    }
                }
                full.put(new Chunk(0, null, null, true));
            } catch (Throwable t) {
                try {
                    full.put(new Chunk(0, null, t, true));
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        ByteBuffer zeros = ByteBuffer.allocateDirect(granule);
        long written = 0;
        try {
            while (true) {
                Chunk c = full.take();
                if (c.failure() != null) {
                    if (c.failure() instanceof IOException io) throw io;
                    throw new IOException("reading the source failed: " + c.failure(), c.failure());
                }
                if (c.last()) break;
                written += writeNonZero(dst, c.offset(), c.data(), zeros, granule);
                free.put(c.data());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("conversion interrupted", e);
        } finally {
            reader.interrupt();
        }
        return new Result(src.virtualSize(), read[0], written);
    }

    /** Writes the runs of {@code data} that are not whole zero granules; returns the bytes written. */
    private static long writeNonZero(DiskImage dst, long offset, ByteBuffer data, ByteBuffer zeros, int granule) throws IOException {
        int n = data.remaining();
        int runStart = -1;
        long written = 0;
        int pos = 0;
        while (pos < n) {
            // granules are aligned to the disk, not to the chunk
            int next = (int) Math.min(n, ((offset + pos) / granule + 1) * granule - offset);
            boolean zero = isZero(data, pos, next, zeros);
            if (zero) {
                if (runStart >= 0) {
                    dst.write(offset + runStart, data.slice(runStart, pos - runStart));
                    written += pos - runStart;
                    runStart = -1;
                }
            } else if (runStart < 0) {
                runStart = pos;
            }
            pos = next;
        }
        if (runStart >= 0) {
            dst.write(offset + runStart, data.slice(runStart, n - runStart));
            written += n - runStart;
        }
        return written;
    }

    private static boolean isZero(ByteBuffer data, int from, int to, ByteBuffer zeros) {
        return data.slice(from, to - from).mismatch(zeros.slice(0, to - from)) < 0;
    }
}
