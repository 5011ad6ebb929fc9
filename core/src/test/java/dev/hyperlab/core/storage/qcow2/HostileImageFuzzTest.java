package dev.hyperlab.core.storage.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.Extent;
import dev.hyperlab.core.storage.ImageException;
import dev.hyperlab.core.storage.TestData;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged and hostile images get a one-line {@link ImageException} in bounded time and memory: a seeded mutation loop
 * over valid images (header fields set to hostile values, random bytes in tables, truncation), plus named cases.
 * Runs for a few seconds in the normal suite; the seed makes every failure reproducible.
 */
class HostileImageFuzzTest {
    @TempDir static Path dir;
    private static final List<byte[]> SEEDS = new ArrayList<>();
    private static final long[] HOSTILE = {0, 1, -1, 0x7fffffffL, 0xffffffffL, 1L << 40, 1L << 62, Long.MIN_VALUE, 512, 65536, 3 * 65536};
    private static final int[] HEADER_FIELDS = {4, 8, 16, 20, 24, 32, 36, 40, 48, 56, 60, 64, 72, 80, 88, 96, 100};

    @BeforeAll
    static void makeSeeds() throws Exception {
        SEEDS.addAll(seedImages(dir));
    }

    /** Valid images to mutate, with 4 KiB and 64 KiB clusters: data, a snapshot with VM state, a bitmap. */
    static List<byte[]> seedImages(Path dir) throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        for (int cs : new int[] {4096, 65536}) {
            Path p = dir.resolve("seed" + cs + ".qcow2");
            try (Qcow2Image img = Qcow2Image.create(p, Qcow2CreateOptions.ofSize(3 << 20).withClusterSize(cs))) {
                img.write(0, ByteBuffer.wrap(TestData.mixed(cs, 1 << 20)));
                img.createSnapshot("s", Qcow2Snapshot.Times.ZERO, ByteBuffer.wrap(new byte[5000]));
                img.write(100_000, ByteBuffer.wrap(new byte[200_000]));
                img.addBitmap("b", 65536);
                img.write(2 << 20, ByteBuffer.wrap(new byte[] {1}));
            }
            seeds.add(Files.readAllBytes(p));
        }
        return seeds;
    }

    static void mutate(byte[] img, SplittableRandom r) {
        ByteBuffer b = ByteBuffer.wrap(img);
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(5)) {
                case 0 -> { // a header field gets a hostile value
                    int f = HEADER_FIELDS[r.nextInt(HEADER_FIELDS.length)];
                    long v = HOSTILE[r.nextInt(HOSTILE.length)] + (r.nextBoolean() ? 0 : img.length);
                    if (f == 16 || f == 20 || f == 32 || f == 36 || f == 56 || f == 60 || f == 96 || f == 100 || f == 4) b.putInt(f, (int) v);
                    else b.putLong(f, v);
                }
                case 1 -> { // an 8-byte table entry anywhere gets a hostile value
                    int at = r.nextInt(img.length / 8) * 8;
                    b.putLong(at, HOSTILE[r.nextInt(HOSTILE.length)] | (r.nextBoolean() ? 1L << 63 : 0) | (r.nextBoolean() ? 1L << 62 : 0));
                }
                case 2 -> { // random bytes
                    int at = r.nextInt(img.length);
                    img[at] = (byte) r.nextInt(256);
                }
                case 3 -> { // an entry points at the refcount table, the L1 table or the header itself
                    int at = r.nextInt(img.length / 8) * 8;
                    b.putLong(at, (b.getLong(48) & 0xffffffffffffL) | (1L << 63));
                }
                default -> { // random bytes in the first clusters (header, refcount structures, L1)
                    int at = r.nextInt(Math.min(img.length, 4 * 65536));
                    img[at] ^= (byte) (1 << r.nextInt(8));
                }
            }
        }
    }

    /** Everything a reader does with an image; returns normally or throws ImageException. */
    private static void exercise(Path p) throws Exception {
        try (DiskImage img = DiskImages.open(p, true)) {
            long size = img.virtualSize();
            List<Extent> map = img.map(0, Math.min(size, 1L << 40));
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            long readBytes = 0;
            for (Extent e : map) {
                for (long pos = e.offset(); pos < e.end() && readBytes < (16 << 20); pos += buf.capacity()) {
                    buf.clear().limit((int) Math.min(buf.capacity(), e.end() - pos));
                    img.read(pos, buf);
                    readBytes += buf.capacity();
                }
            }
            if (img instanceof Qcow2Image q) {
                for (Qcow2Snapshot s : q.snapshots()) {
                    if (s.vmStateSize() > 0) q.readVmState(s.name(), 0, ByteBuffer.allocate((int) Math.min(s.vmStateSize(), 1 << 20)));
                }
                for (BitmapInfo b : q.bitmaps()) if (!b.inUse()) q.dirtyBitmap(b.name()).dirtyRanges();
                Qcow2Checker.check(q);
            }
        }
        DiskImages.info(p).toJson();
    }

    @Test
    void seededMutationsGiveCleanErrorsFast() throws Exception {
        long seed = Long.getLong("hyperlab.fuzz.seed", 20261122L);
        long budgetNanos = Long.getLong("hyperlab.fuzz.millis", 4000L) * 1_000_000L;
        SplittableRandom r = new SplittableRandom(seed);
        Path p = dir.resolve("fuzz.qcow2");
        long start = System.nanoTime();
        int iterations = 0;
        int rejected = 0;
        while (System.nanoTime() - start < budgetNanos) {
            byte[] img = SEEDS.get(r.nextInt(SEEDS.size())).clone();
            mutate(img, r);
            if (r.nextInt(10) == 0) img = java.util.Arrays.copyOf(img, r.nextInt(img.length));
            Files.write(p, img);
            long t0 = System.nanoTime();
            try {
                exercise(p);
            } catch (ImageException e) {
                rejected++;
                assertThat(e.getMessage()).as("iteration %d", iterations).doesNotContain("\n").isNotBlank();
            } catch (Throwable t) {
                Files.copy(p, dir.resolve("failing.qcow2"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                throw new AssertionError("seed " + seed + " iteration " + iterations + ": " + t, t);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (ms > 3000) fail("seed " + seed + " iteration " + iterations + " took " + ms + " ms");
            iterations++;
        }
        assertThat(iterations).isGreaterThan(20);
        assertThat(rejected).isPositive();
    }

    private Path seedCopy(String name) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, SEEDS.get(1));
        return p;
    }

    private static void poke(Path p, int at, long value, boolean isInt) throws Exception {
        byte[] b = Files.readAllBytes(p);
        if (isInt) ByteBuffer.wrap(b).putInt(at, (int) value);
        else ByteBuffer.wrap(b).putLong(at, value);
        Files.write(p, b);
    }

    @Test
    void namedHostileCases() throws Exception {
        Path a = seedCopy("huge-l1.qcow2");
        poke(a, 36, 0x7fffffff, true);
        assertThatThrownBy(() -> exercise(a)).isInstanceOf(ImageException.class).hasMessageContaining("l1_size");

        Path b = seedCopy("l1-past-end.qcow2");
        poke(b, 40, 1L << 40, false);
        assertThatThrownBy(() -> exercise(b)).isInstanceOf(ImageException.class).hasMessageContaining("past the end");

        Path c = seedCopy("unknown-feature.qcow2");
        poke(c, 72, 1L << 20, false);
        assertThatThrownBy(() -> exercise(c)).isInstanceOf(ImageException.class).hasMessageContaining("unknown incompatible");

        Path d = seedCopy("encrypted.qcow2");
        poke(d, 32, 2, true);
        assertThatThrownBy(() -> exercise(d)).isInstanceOf(ImageException.class).hasMessageContaining("encrypted");

        Path e = seedCopy("data-file.qcow2");
        poke(e, 72, 4, false);
        assertThatThrownBy(() -> exercise(e)).isInstanceOf(ImageException.class).hasMessageContaining("external data file");

        Path f = seedCopy("truncated.qcow2");
        Files.write(f, java.util.Arrays.copyOf(Files.readAllBytes(f), 3 * 65536 + 100));
        assertThatThrownBy(() -> exercise(f)).isInstanceOf(ImageException.class);

        // refcount table pointing at itself as a refcount block: a loop the checker reports, reads unaffected
        Path g = seedCopy("refcount-loop.qcow2");
        byte[] img = Files.readAllBytes(g);
        long rt = ByteBuffer.wrap(img).getLong(48);
        ByteBuffer.wrap(img).putLong((int) rt, rt);
        Files.write(g, img);
        try (Qcow2Image q = DiskImages.openQcow2(g, true)) {
            assertThat(Qcow2Checker.check(q).corruptions() + Qcow2Checker.check(q).leaks()).isPositive();
        }
    }

    @Test
    void backingChainCyclesAreRefused() throws Exception {
        Path x = dir.resolve("x.qcow2");
        Path y = dir.resolve("y.qcow2");
        Path z = dir.resolve("z.qcow2");
        Qcow2Image.create(x, Qcow2CreateOptions.ofSize(1 << 20)).close();
        DiskImages.createOverlay(y, x).close(); // y -> x
        DiskImages.createOverlay(z, y).close(); // z -> y -> x
        Files.copy(z, x, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // now x -> y -> x
        assertThatThrownBy(() -> DiskImages.open(y, true)).isInstanceOf(ImageException.class)
                .hasMessageContaining("backing chain loops").hasMessageNotContaining("\n");
        // an image naming itself (a same-length name keeps the header valid)
        byte[] b = Files.readAllBytes(y);
        Path me = dir.resolve("m.qcow2");
        Files.write(me, new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).replace("x.qcow2", "m.qcow2")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> DiskImages.open(me, true)).isInstanceOf(ImageException.class).hasMessageContaining("loops");
    }
}
