package dev.hyperlab.bench;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.ImageConverter;
import dev.hyperlab.core.storage.ImageFormat;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 4's speed promise, measured: converting base.raw to qcow2 and base.qcow2 to raw with hyperlab and with
 * {@code qemu-img convert}, side by side in one run, on the reference images of shared/bench/make-disk-images.sh.
 * Prints wall times (best of {@code --runs}), the ratio qemu-img/hyperlab (above 1 means hyperlab is faster) and
 * hyperlab's peak heap; every output is verified with {@code qemu-img compare}.
 *
 * <pre>
 * ./mvnw -q -B -pl bench -am package -DskipTests
 * java -Xmx64m --enable-native-access=ALL-UNNAMED -cp "bench/target/hyperlab-bench.jar:bench/target/lib/*" \
 *     dev.hyperlab.bench.ConvertBench /tmp/hyperlab-bench [--runs 3] [--script ../shared/bench/make-disk-images.sh]
 * </pre>
 */
public final class ConvertBench {
    private ConvertBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ConvertBench DIR [--runs N] [--script make-disk-images.sh]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int runs = 3;
        Path script = Path.of("../shared/bench/make-disk-images.sh");
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--script" -> script = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path raw = dir.resolve("base.raw");
        Path qcow2 = dir.resolve("base.qcow2");
        if (!Files.exists(raw) || !Files.exists(qcow2)) {
            System.out.println("building reference images with " + script + " ...");
            run(List.of("bash", script.toString(), dir.toString()));
        }
        System.out.printf(Locale.ROOT, "base.raw: %d MiB virtual, %d MiB data; base.qcow2: %d MiB file; java %s, max heap %d MiB%n",
                Files.size(raw) >> 20, DiskImages.info(raw).actualSize() >> 20, Files.size(qcow2) >> 20,
                Runtime.version(), Runtime.getRuntime().maxMemory() >> 20);
        System.out.println();
        System.out.printf(Locale.ROOT, "%-22s %12s %12s %8s %14s%n", "conversion", "qemu-img s", "hyperlab s", "ratio", "peak heap MiB");
        bench("base.raw -> qcow2", raw, dir.resolve("out-bench.qcow2"), ImageFormat.QCOW2, runs);
        bench("base.qcow2 -> raw", qcow2, dir.resolve("out-bench.raw"), ImageFormat.RAW, runs);
    }

    private static void bench(String label, Path src, Path out, ImageFormat format, int runs) throws Exception {
        double bestQemu = Double.MAX_VALUE;
        double bestOurs = Double.MAX_VALUE;
        long peak = 0;
        Path qemuOut = out.resolveSibling("qemu-" + out.getFileName());
        for (int r = 0; r < runs; r++) {
            Files.deleteIfExists(qemuOut);
            long t0 = System.nanoTime();
            run(List.of("qemu-img", "convert", "-O", format.qemuName(), src.toString(), qemuOut.toString()));
            bestQemu = Math.min(bestQemu, (System.nanoTime() - t0) / 1e9);

            Files.deleteIfExists(out);
            System.gc();
            resetPeaks();
            long t1 = System.nanoTime();
            try (DiskImage in = DiskImages.open(src, true)) {
                ImageConverter.convert(in, out, format);
            }
            bestOurs = Math.min(bestOurs, (System.nanoTime() - t1) / 1e9);
            peak = Math.max(peak, heapPeak());
        }
        run(List.of("qemu-img", "compare", "-q", src.toString(), out.toString()));
        run(List.of("qemu-img", "compare", "-q", qemuOut.toString(), out.toString()));
        if (format == ImageFormat.QCOW2) run(List.of("qemu-img", "check", "-q", out.toString()));
        System.out.printf(Locale.ROOT, "%-22s %12.3f %12.3f %8.2f %14.1f   (outputs identical: qemu-img compare)%n",
                label, bestQemu, bestOurs, bestQemu / bestOurs, peak / 1048576.0);
        Files.deleteIfExists(out);
        Files.deleteIfExists(qemuOut);
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
    }

    private static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) sum += p.getPeakUsage().getUsed();
        return sum;
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(cmd)).inheritIO().start();
        int rc = p.waitFor();
        if (rc != 0) throw new IOException("failed (exit " + rc + "): " + String.join(" ", cmd));
    }
}
