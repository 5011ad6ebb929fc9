package dev.hyperlab.core.storage.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.Extent;
import dev.hyperlab.core.storage.ImageException;
import dev.hyperlab.core.storage.QemuImg;
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
 * Damaged and hostile images get a one-line {@link ImageException}, never another exception or error (an
 * IndexOutOfBoundsException, a NegativeArraySizeException, an OutOfMemoryError: what a user would see as "internal
 * error"). Two sources of files: the corpus of named hostile images ({@link HostileImages}, one per defect found), and
 * seeded mutation loops over valid images, made by hyperlab and by qemu-img (header fields set to hostile values,
 * random bytes in tables, truncation, and {@link StructuredMutations}). Each loop runs a fixed number of iterations,
 * never for a time, so every run tries the same files; raise
 * {@code -Dhyperlab.fuzz.iterations} and change {@code -Dhyperlab.fuzz.seed} to search further.
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
                    q.readVmState(s.name());
                    q.mapSnapshot(s.name(), 0, s.diskSize());
                }
                for (BitmapInfo b : q.bitmaps()) if (!b.inUse()) q.dirtyBitmap(b.name()).dirtyRanges();
                Qcow2Checker.check(q);
            }
        }
        DiskImages.info(p).toJson();
    }

    /** What a VM does with an attached image, on a copy: open for writing, write, discard, snapshot, revert, close. */
    private static void exerciseWrites(Path p) throws Exception {
        try (DiskImage img = DiskImages.open(p, false)) {
            long size = img.virtualSize();
            if (size >= 2 * 65536) {
                img.write(65536 - 100, ByteBuffer.wrap(new byte[200]));
                img.read(0, ByteBuffer.allocate(4096));
            }
            if (img instanceof Qcow2Image q) {
                if (size >= 2 * 65536) q.discard(0, 65536);
                for (Qcow2Snapshot s : q.snapshots()) {
                    q.applySnapshot(s.name());
                    break;
                }
                q.createSnapshot("fuzz", Qcow2Snapshot.Times.ZERO, ByteBuffer.wrap(new byte[100]));
            }
        }
    }

    /** Runs {@code exercise} on {@code p}: it must succeed or fail with a one-line ImageException. */
    private static boolean refused(Path p, String what, Exercise exercise) {
        try {
            exercise.run(p);
            return false;
        } catch (ImageException e) {
            assertThat(e.getMessage()).as(what).doesNotContain("\n").isNotBlank();
            return true;
        } catch (Throwable t) {
            throw new AssertionError(what + ": " + t, t);
        }
    }

    private interface Exercise {
        void run(Path p) throws Exception;
    }

    private interface Mutator {
        void mutate(byte[] image, SplittableRandom r);
    }

    /**
     * Runs {@code iterations} mutants of {@code seeds} through every reader and (on a copy) every writer; returns how
     * many the readers refused.
     */
    private static int fuzz(List<byte[]> seeds, Mutator mutator, long seed, int iterations) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        Path p = dir.resolve("fuzz.qcow2");
        Path w = dir.resolve("fuzz-write.qcow2");
        int rejected = 0;
        for (int i = 0; i < iterations; i++) {
            byte[] img = seeds.get(r.nextInt(seeds.size())).clone();
            mutator.mutate(img, r);
            if (r.nextInt(10) == 0) img = java.util.Arrays.copyOf(img, r.nextInt(img.length));
            Files.write(p, img);
            String what = "seed " + seed + " iteration " + i;
            try {
                if (refused(p, what, HostileImageFuzzTest::exercise)) rejected++;
                Files.write(w, img);
                refused(w, what + " (writing)", HostileImageFuzzTest::exerciseWrites);
            } catch (AssertionError e) {
                Files.copy(p, dir.resolve("failing.qcow2"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                throw e;
            }
        }
        return rejected;
    }

    private static long seed() {
        return Long.getLong("hyperlab.fuzz.seed", 20261122L);
    }

    private static int iterations() {
        return Integer.getInteger("hyperlab.fuzz.iterations", 200);
    }

    @Test
    void seededMutationsGiveCleanErrors() throws Exception {
        assertThat(fuzz(SEEDS, HostileImageFuzzTest::mutate, seed(), iterations())).isPositive();
    }

    @Test
    void structuredMutationsOfQemuAndHyperlabImagesGiveCleanErrors() throws Exception {
        QemuImg.require();
        List<byte[]> seeds = new ArrayList<>(SEEDS);
        Path raw = TestData.writeRaw(dir.resolve("mix.raw"), TestData.mixed(7, 1 << 20));
        String[][] variants = { // what qemu writes and hyperlab does not: compression, version 2, other widths and sizes
            {"-c", "-o", "cluster_size=4096"}, {"-c", "-o", "compression_type=zstd"}, {"-o", "compat=0.10"},
            {"-o", "cluster_size=512,refcount_bits=1"}, {"-o", "cluster_size=2M,refcount_bits=64"},
        };
        for (int i = 0; i < variants.length; i++) {
            Path q = dir.resolve("qemu-seed" + i + ".qcow2");
            List<String> args = new ArrayList<>(List.of("convert", "-O", "qcow2"));
            args.addAll(List.of(variants[i]));
            args.addAll(List.of(raw.toString(), q.toString()));
            QemuImg.img(args.toArray(String[]::new)).ok();
            if (i != 3) QemuImg.img("snapshot", "-c", "s", q.toString()).ok(); // 1-bit refcounts cannot count a snapshot
            if (i != 2) QemuImg.img("bitmap", "--add", q.toString(), "b").ok();
            seeds.add(Files.readAllBytes(q));
        }
        assertThat(fuzz(seeds, StructuredMutations::mutate, seed() + 1, iterations())).isPositive();
    }

    @Test
    void everyHostileImageOfTheCorpusGivesACleanError() throws Exception {
        Path corpus = Files.createDirectories(dir.resolve("corpus"));
        for (HostileImages.Hostile h : HostileImages.writeAll(corpus)) {
            String what = "item " + h.item() + ", " + h.file().getFileName() + " (" + h.what() + ")";
            refused(h.file(), what, HostileImageFuzzTest::exercise);
            Path copy = dir.resolve("corpus-write.qcow2");
            Files.copy(h.file(), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            refused(copy, what + " (writing)", HostileImageFuzzTest::exerciseWrites);
        }
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
