package dev.hyperlab.core.backup;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Issue 18 (branch i18-level): would a one-sample level-1 probe per file chunk pay? For every regular file of 64 KiB
 * to 64 MiB under DIR, cut into FastCdc chunks as a file backup does, it compresses each chunk both ways on one thread,
 * the order alternating per chunk, and sums thread CPU: "old" at the repository's level 3 (what main does for chunks
 * below 1 MiB), "new" a 4 KiB level-1 sample from the chunk's middle, then level 1 when the sample stays at 0.80 or
 * more of its size (BlobCodec.POOR), else level 3. Three passes (the first warms the JIT and the page cache).
 *
 * <p>Not built by Maven. Run from the repository after a build (JDK 25):
 * <pre>
 *   cp=core/target/classes:$(ls shell/target/lib/zstd-jni-*.jar)
 *   javac -d /tmp/level-pairs -cp $cp bench/file-chunk-levels/LevelPairs.java
 *   java --enable-native-access=ALL-UNNAMED -cp /tmp/level-pairs:$cp dev.hyperlab.core.backup.LevelPairs /usr/share
 * </pre>
 */
public final class LevelPairs {
    private static final int SAMPLE = 4 * 1024;

    public static void main(String[] args) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<Path> files;
        try (Stream<Path> s = Files.walk(Path.of(args[0]))) {
            files = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).filter(p -> {
                try {
                    long z = Files.size(p);
                    return z >= 64 * 1024 && z <= 64L << 20;
                } catch (Exception e) {
                    return false;
                }
            }).sorted().toList();
        }
        byte[] comp = new byte[BlobCodec.maxStored(FastCdc.MAX)];
        try (BlobCodec codec = new BlobCodec(RepositoryCipher.plain(), 3)) {
            for (int pass = 0; pass < 3; pass++) {
                long oldNs = 0, newNs = 0, probeNs = 0, oldOut = 0, newOut = 0, bytes = 0, chunks = 0;
                long poor = 0, poorBytes = 0, poorOldNs = 0, poorNewNs = 0, poorOldOut = 0, poorNewOut = 0;
                for (Path p : files) {
                    byte[] in;
                    try {
                        in = Files.readAllBytes(p);
                    } catch (Exception e) {
                        continue;
                    }
                    for (int off = 0; off < in.length; ) {
                        int len = FastCdc.cut(in, off, in.length - off);
                        boolean oldFirst = (chunks & 1) == 0;
                        long oldT = 0, newT = 0, oldN = 0, newN = 0;
                        boolean isPoor = false;
                        for (int k = 0; k < 2; k++) {
                            long t0 = mx.getCurrentThreadCpuTime();
                            if ((k == 0) == oldFirst) {
                                oldN = Math.min(codec.compress(0, in, off, len, comp), len);
                                oldT = mx.getCurrentThreadCpuTime() - t0;
                            } else {
                                int c = 0;
                                if (len >= 64 * 1024) {
                                    int at = off + len / 2 - SAMPLE / 2;
                                    int n = codec.compress(2, in, at, SAMPLE, comp);
                                    c = (double) n / SAMPLE >= BlobCodec.POOR ? 2 : 0;
                                }
                                long t1 = mx.getCurrentThreadCpuTime();
                                newN = Math.min(codec.compress(c, in, off, len, comp), len);
                                newT = mx.getCurrentThreadCpuTime() - t0;
                                probeNs += t1 - t0;
                                isPoor = c == 2;
                            }
                        }
                        oldNs += oldT;
                        newNs += newT;
                        oldOut += oldN;
                        newOut += newN;
                        if (isPoor) {
                            poor++;
                            poorBytes += len;
                            poorOldNs += oldT;
                            poorNewNs += newT;
                            poorOldOut += oldN;
                            poorNewOut += newN;
                        }
                        bytes += len;
                        chunks++;
                        off += len;
                    }
                }
                System.out.printf("pass %d: %d files, %d chunks, %.1f MiB; old %.3f CPU-s -> %.2f MiB; new %.3f CPU-s"
                        + " (probe %.3f) -> %.2f MiB%n", pass, files.size(), chunks, mib(bytes), oldNs / 1e9,
                        mib(oldOut), newNs / 1e9, probeNs / 1e9, mib(newOut));
                System.out.printf("  chunks sent to level 1: %d, %.1f MiB; old %.3f CPU-s -> %.2f MiB, new (with"
                        + " probe) %.3f CPU-s -> %.2f MiB%n", poor, mib(poorBytes), poorOldNs / 1e9, mib(poorOldOut),
                        poorNewNs / 1e9, mib(poorNewOut));
            }
        }
    }

    private static double mib(long b) {
        return b / 1048576.0;
    }
}
