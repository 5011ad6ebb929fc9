package dev.hyperlab.core.backup;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.Extent;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The compression floor of issue 15: the CPU-seconds zstd itself needs for a full backup's data at the levels the
 * backup uses, measured on one thread with the same library, contexts and chunks as the backup. The full strategy cuts
 * the disk on a 4 MiB grid and stores every cell holding an allocated byte; all-zero cells cost no compression; each
 * other cell is compressed at the level {@link BlobCodec}'s probe picks. This measures, cell by cell, the probe, each
 * level's compression and SHA-256, so the bench can print the floor ({@code used / cores}) beside the backup's wall
 * time, and say how far above it the backup is. A bench tool: {@code java -cp 'shell/target/lib/*'
 * dev.hyperlab.core.backup.CompressionFloor IMAGE [LEVEL]}.
 */
public final class CompressionFloor {
    private CompressionFloor() {}

    /** CPU nanoseconds and bytes out per measured part. */
    public record Result(long cells, long bytes, long probeNanos, long shaNanos, long[] levelNanos, long[] levelBytes,
            long usedNanos, long usedBytes, int[] levels) {
        /** One line: seconds and MiB, for a bench to print or parse ({@code key=value} pairs). */
        public String line() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                    "cells=%d data_mib=%.1f used_cpu_s=%.3f used_mib=%.1f probe_cpu_s=%.3f sha256_cpu_s=%.3f",
                    cells, bytes / 1048576.0, usedNanos / 1e9, usedBytes / 1048576.0, probeNanos / 1e9, shaNanos / 1e9));
            for (int c = 0; c < levels.length; c++) {
                b.append(String.format(Locale.ROOT, " level%d_cpu_s=%.3f level%d_mib=%.1f", levels[c],
                        levelNanos[c] / 1e9, levels[c], levelBytes[c] / 1048576.0));
            }
            return b.toString();
        }
    }

    /** Measures {@code image} (qcow2 or raw) at repository level {@code level}. */
    public static Result measure(Path image, int level) throws IOException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int grid = BackupPipeline.MAX_CHUNK;
        byte[] in = new byte[grid];
        byte[] comp = new byte[BlobCodec.maxStored(grid)];
        long cells = 0;
        long bytes = 0;
        long probe = 0;
        long sha = 0;
        long used = 0;
        long usedBytes = 0;
        long[] nanos = new long[3];
        long[] out = new long[3];
        int[] levels = new int[3];
        try (DiskImage disk = DiskImages.open(image, true);
                BlobCodec codec = new BlobCodec(RepositoryCipher.plain(), level)) {
            for (int c = 0; c < 3; c++) levels[c] = codec.levelOf(c);
            codec.compress(0, in, 0, 4096, comp); // the contexts made outside the timers
            long size = disk.virtualSize();
            long next = 0;
            for (Extent e : disk.map(0, size)) {
                if (!e.data()) continue;
                long end = Math.min(size, (e.end() + grid - 1) / grid * grid);
                for (long at = Math.max(next, e.offset() / grid * grid); at < end; at += grid) {
                    int len = (int) Math.min(grid, size - at);
                    disk.read(at, ByteBuffer.wrap(in, 0, len));
                    if (Zeros.isZero(in, 0, len)) continue;
                    cells++;
                    bytes += len;
                    long t0 = mx.getCurrentThreadCpuTime();
                    codec.hash(in, 0, len);
                    long t1 = mx.getCurrentThreadCpuTime();
                    int choice = codec.choice(in, 0, len, comp);
                    long t2 = mx.getCurrentThreadCpuTime();
                    sha += t1 - t0;
                    probe += t2 - t1;
                    for (int c = 0; c < 3; c++) {
                        long a = mx.getCurrentThreadCpuTime();
                        int n = codec.compress(c, in, 0, len, comp);
                        long t = mx.getCurrentThreadCpuTime() - a;
                        nanos[c] += t;
                        out[c] += Math.min(n, len);
                        if (c == choice) {
                            used += t;
                            usedBytes += Math.min(n, len);
                        }
                    }
                }
                next = Math.max(next, end);
            }
        }
        return new Result(cells, bytes, probe, sha, nanos, out, used, usedBytes, levels);
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: CompressionFloor IMAGE [LEVEL]   (LEVEL: the repository's zstd level, default "
                    + BackupRepository.DEFAULT_COMPRESSION_LEVEL + ")");
            System.exit(2);
        }
        int level = args.length > 1 ? Integer.parseInt(args[1]) : BackupRepository.DEFAULT_COMPRESSION_LEVEL;
        System.out.println(measure(Path.of(args[0]), level).line());
    }
}
