package dev.hyperlab.bench;

import dev.hyperlab.core.backup.BackupRepository;
import dev.hyperlab.core.backup.BackupResult;
import dev.hyperlab.core.backup.BackupSource;
import dev.hyperlab.core.backup.DedupStrategy;
import dev.hyperlab.core.backup.FullStrategy;
import dev.hyperlab.core.backup.IncrementalStrategy;
import dev.hyperlab.core.backup.Qcow2BitmapTracker;
import dev.hyperlab.core.backup.RestoreResult;
import dev.hyperlab.core.backup.SourceImage;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.ImageConverter;
import dev.hyperlab.core.storage.ImageFormat;
import dev.hyperlab.core.storage.qcow2.Qcow2Image;
import dev.hyperlab.core.storage.raw.RawImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * hyperlab's side of {@link BackupBench}, run in its own JVM with {@code -Xmx256m} so that its heap and CPU are its
 * own. Prints one {@code RESULT name seconds cpuSeconds bytes peakHeap} line per measured operation.
 */
public final class BackupBenchChild {
    private static final long DAY = 86_400L * 1_000_000_000L;
    private static final int GRANULARITY = 64 * 1024;

    private BackupBenchChild() {}

    public static void main(String[] args) throws Exception {
        Path images = Path.of(args[0]);
        Path work = Path.of(args[1]);
        Optional<char[]> password = args.length > 2 ? Optional.of(args[2].toCharArray()) : Optional.empty();
        Path base = images.resolve("base.raw");
        Path day2 = images.resolve("day2.raw");
        // the VM's disk: base.raw as a qcow2 image with a persistent dirty bitmap, the way hyperlab's VMs have them
        Path vm = work.resolve("vm.qcow2");
        try (DiskImage src = DiskImages.open(base, ImageFormat.RAW, true)) {
            ImageConverter.convert(src, vm, ImageFormat.QCOW2);
        }
        durable(vm);

        BackupRepository repo = BackupRepository.init(work.resolve("hyperlab-repo"), password);
        try (Qcow2Image image = DiskImages.openQcow2(vm, false)) {
            Qcow2BitmapTracker.start(image);
            BackupResult full = measure("full-base", () -> repo.run(new FullStrategy(),
                    source(image, DAY)), r -> r.backup().bytesAdded());
            System.out.println("REPO full-base " + sizeOf(repo.directory()));
            System.out.println("INFO full " + full.id() + " read " + full.backup().bytesRead() + " added "
                    + full.backup().bytesAdded() + " blobs " + full.backup().blobsAdded());

            long changed = applyDay2(base, day2, image);
            durable(vm);
            System.out.println("INFO day2-changes " + changed + " bytes through the image layer; dirty clusters "
                    + Qcow2BitmapTracker.of(image).orElseThrow().changed().stream().mapToLong(r -> r.length()).sum()
                    / GRANULARITY);

            BackupResult inc = measure("incremental-day2", () -> repo.run(new IncrementalStrategy(),
                    source(image, 2 * DAY)), r -> r.backup().bytesAdded());
            System.out.println("INFO incremental " + inc.id() + " read " + inc.backup().bytesRead() + " notes "
                    + inc.backup().notes());

            BackupRepository dedupRepo = BackupRepository.init(work.resolve("hyperlab-dedup"), password);
            try (RawImage b = RawImage.open(base, true)) {
                measure("dedup-base", () -> dedupRepo.run(new DedupStrategy(), plain(b, DAY)),
                        r -> r.backup().bytesAdded());
            }
            measure("dedup-day2", () -> dedupRepo.run(new DedupStrategy(), plain(image, 2 * DAY)),
                    r -> r.backup().bytesAdded());
            Path restored = work.resolve("restored.raw");
            RestoreResult res = measure("restore-day2", () -> repo.restore(inc.id(), "vda", restored),
                    RestoreResult::bytesWritten);
            System.out.println("INFO restore complete=" + res.complete() + " identical=" + sameContent(restored, day2));
            Files.delete(restored);
            System.out.println("INFO check " + repo.check(false).ok());
        }
        // the speed/size trade-off: the same full backup with zstd level 1 instead of the default 3
        BackupRepository fast = BackupRepository.init(work.resolve("hyperlab-zstd1"), password,
                dev.hyperlab.core.backup.KdfParams.DEFAULT, 1);
        try (RawImage b = RawImage.open(base, true)) {
            measure("full-base-zstd1", () -> fast.run(new FullStrategy(), plain(b, DAY)), r -> r.backup().bytesAdded());
        }
        System.out.println("REPO full-base-zstd1 " + sizeOf(fast.directory()));
    }

    /**
     * Writes the image's dirty pages back before a measurement. Without it the first fsync a backup makes of the
     * image (the incremental's bitmap store) also writes the ~600 MB the conversion or the day's writes left in the
     * page cache, which is the setup's cost, not the backup's: it cost the incremental 0.6-0.7 s of its ~1 s.
     */
    private static void durable(Path image) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    private static BackupSource source(Qcow2Image image, long labTime) {
        return new BackupSource("vm", List.of(new SourceImage("vda", image,
                Optional.of(Qcow2BitmapTracker.of(image).orElseThrow()))), Map.of("vcpus", 2), labTime);
    }

    private static BackupSource plain(DiskImage image, long labTime) {
        return new BackupSource("vm", List.of(new SourceImage("vda", image)), Map.of("vcpus", 2), labTime);
    }

    interface Op<T> {
        T run() throws IOException;
    }

    interface Size<T> {
        long of(T t);
    }

    private static <T> T measure(String name, Op<T> op, Size<T> size) throws IOException {
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        T result = op.run();
        long t1 = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        System.out.printf("RESULT %s %.3f %.3f %d %d%n", name, (t1 - t0) / 1e9, (cpu1 - cpu0) / 1e9, size.of(result),
                peak);
        return result;
    }

    /** Writes every 4 KiB block where day2.raw differs from base.raw through the image, merged into runs. */
    private static long applyDay2(Path base, Path day2, DiskImage image) throws IOException {
        long total = 0;
        int seg = 8 << 20;
        ByteBuffer a = ByteBuffer.allocate(seg);
        ByteBuffer b = ByteBuffer.allocate(seg);
        try (FileChannel ca = FileChannel.open(base, StandardOpenOption.READ);
                FileChannel cb = FileChannel.open(day2, StandardOpenOption.READ)) {
            long size = ca.size();
            for (long off = 0; off < size; off += seg) {
                a.clear();
                b.clear();
                readFully(ca, a, off);
                readFully(cb, b, off);
                int n = a.position();
                int runStart = -1;
                for (int blk = 0; blk <= n; blk += 4096) {
                    boolean differs = blk < n && Arrays.mismatch(a.array(), blk, Math.min(n, blk + 4096), b.array(),
                            blk, Math.min(n, blk + 4096)) >= 0;
                    if (differs && runStart < 0) {
                        runStart = blk;
                    } else if (!differs && runStart >= 0) {
                        image.write(off + runStart, ByteBuffer.wrap(b.array(), runStart, blk - runStart));
                        total += blk - runStart;
                        runStart = -1;
                    }
                }
            }
        }
        return total;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long off) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, off + buf.position());
            if (n < 0) {
                break;
            }
        }
    }

    private static boolean sameContent(Path x, Path y) throws IOException {
        return Files.mismatch(x, y) < 0;
    }

    static long sizeOf(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

}
