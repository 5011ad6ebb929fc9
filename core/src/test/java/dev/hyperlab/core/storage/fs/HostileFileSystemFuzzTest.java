package dev.hyperlab.core.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.Extent;
import dev.hyperlab.core.storage.ImageFormat;
import dev.hyperlab.core.storage.QemuImg;
import dev.hyperlab.core.storage.TestData;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile file systems: seeded mutations of small real images (mkfs.ext4 -d; mkfs.fat and mcopy) are listed, walked and
 * read whole, and the reader either answers or ends in its one-line {@link FsException}: never another exception, never
 * unbounded work (the disk reads are counted, a loop would exceed any budget), never a large allocation (the bytes
 * allocated are counted per image). Each loop runs a fixed number of iterations, so every run tries the same images;
 * {@code -Dhyperlab.fuzz.iterations} and {@code -Dhyperlab.fuzz.seed} search further.
 */
class HostileFileSystemFuzzTest {
    @TempDir static Path dir;
    private static byte[] ext4;
    private static byte[] fat16;
    private static byte[] fat32;
    private static final long[] HOSTILE = {0, 1, 2, 3, 11, 12, 0xFF, 0xFFFF, 0x7FFFFFFFL, 0xFFFFFFFFL, 0x80000000L, 1024, 4096,
            0xF30A, 0x8000, 0x4000, 0xA000, 65536};
    /** Reads of the disk one image may take: a few thousand times its size is far more than any walk needs. */
    private static final long READ_BUDGET = 4L << 30;
    /** Bytes one image's walk may allocate, all of it together (the largest single buffer is far smaller). */
    private static final long ALLOCATION_BUDGET = 1L << 30;

    @BeforeAll
    static void seeds() throws Exception {
        for (String t : new String[] {"mkfs.ext4", "mkfs.fat", "mcopy"}) QemuImg.requireTool(t);
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.write(src.resolve("small.txt"), "small\n".getBytes());
        Files.write(src.resolve("bigger.bin"), TestData.mixed(9, 70_000));
        Path sub = Files.createDirectories(src.resolve("a").resolve("b"));
        for (int i = 0; i < 80; i++) Files.write(sub.resolve("entry-with-some-length-" + i), new byte[] {(byte) i});
        Files.createSymbolicLink(src.resolve("link"), Path.of("a/b/entry-with-some-length-1"));
        Files.createSymbolicLink(src.resolve("longlink"), Path.of("a/b/../b/../b/./" + "x".repeat(70)));
        Path e = dir.resolve("ext4.raw");
        QemuImg.tool("mkfs.ext4", "-q", "-F", "-b", "1024", "-N", "128", "-d", src.toString(), e.toString(), "1M").ok();
        QemuImg.tool("e2fsck", "-f", "-y", "-D", e.toString());
        ext4 = Files.readAllBytes(e);
        Files.delete(src.resolve("link"));
        Files.delete(src.resolve("longlink"));
        for (int bits : new int[] {16, 32}) {
            Path f = dir.resolve("fat" + bits + ".raw");
            QemuImg.tool("mkfs.fat", "-C", "-F", String.valueOf(bits), "-s", "1", f.toString(), bits == 16 ? "4096" : "34000").ok();
            FatReaderTest.copyIn(f.toString(), src);
            byte[] all = Files.readAllBytes(f);
            if (bits == 16) fat16 = all; else fat32 = all;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext4", "fat16", "fat32"})
    void mutatedImagesAnswerOrRefuseInOneLine(String kind) throws Exception {
        byte[] seed = switch (kind) {
            case "ext4" -> ext4;
            case "fat16" -> fat16;
            default -> fat32;
        };
        int iterations = Integer.getInteger("hyperlab.fuzz.iterations", 300);
        long base = Long.getLong("hyperlab.fuzz.seed", 18);
        assertThat(walk(seed)).as("the unmutated %s image reads", kind).isNull();
        int[] words = kind.equals("ext4") ? ext4InodeFields(seed) : nonZeroWords(seed);
        int refused = 0;
        for (int i = 0; i < iterations; i++) {
            byte[] img = seed.clone();
            SplittableRandom r = new SplittableRandom(base * 1_000_003 + i);
            mutate(img, words, r);
            String what = kind + " mutation " + i + " (seed " + base + ")";
            long before = allocated();
            FsException e;
            try {
                e = walk(img);
            } catch (Throwable t) {
                throw new AssertionError(what + ": " + t, t);
            }
            assertThat(allocated() - before).as("%s: bytes allocated", what).isLessThan(ALLOCATION_BUDGET);
            if (e != null) {
                refused++;
                assertThat(e.getMessage()).as(what).doesNotContain("\n").isNotBlank();
            }
        }
        assertThat(refused).as("some mutations damage what the reader reads").isPositive();
    }

    /**
     * The words of the ext4 image's used inodes (mode, size, flags, the extent tree or block map in i_block, the extra
     * fields) and of its other structures that are not zero: most mutations land where the reader trusts least.
     */
    private static int[] ext4InodeFields(byte[] img) {
        ByteBuffer b = ByteBuffer.wrap(img).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int blockSize = 1024 << b.getInt(1024 + 0x18);
        long firstDataBlock = b.getInt(1024 + 0x14) & 0xffffffffL;
        int inodeSize = b.getShort(1024 + 0x58) & 0xffff;
        long table = b.getInt((int) ((firstDataBlock + 1) * blockSize) + 0x8) & 0xffffffffL;
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (int ino = 0; ino < 40; ino++) {
            int at = (int) (table * blockSize) + ino * inodeSize;
            if (b.getShort(at) == 0) continue; // a free inode
            for (int field = 0; field < Math.min(inodeSize, 0xA0); field += 4) out.add(at + field);
        }
        for (int w : nonZeroWords(img)) out.add(w);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The offsets of the 4-byte words that are not zero: structures, names, numbers, file bytes. */
    private static int[] nonZeroWords(byte[] img) {
        ByteBuffer b = ByteBuffer.wrap(img);
        return java.util.stream.IntStream.range(0, img.length / 4).map(w -> w * 4).filter(at -> b.getInt(at) != 0).toArray();
    }

    /** Most mutations hit a word that is not zero (where the structures are), some any word. */
    private static void mutate(byte[] img, int[] words, SplittableRandom r) {
        ByteBuffer b = ByteBuffer.wrap(img).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int n = 1 + r.nextInt(4);
        for (int m = 0; m < n; m++) {
            int at = r.nextInt(8) == 0 ? r.nextInt(img.length / 4) * 4 : words[r.nextInt(words.length)];
            long v = r.nextInt(3) == 0 ? r.nextLong() : HOSTILE[r.nextInt(HOSTILE.length)];
            switch (r.nextInt(3)) {
                case 0 -> b.putInt(at, (int) v);
                case 1 -> b.putShort(at + 2 * r.nextInt(2), (short) v);
                default -> img[at + r.nextInt(4)] = (byte) v;
            }
        }
    }

    /** Lists, walks and reads everything; null when the image answered throughout, else its refusal. */
    private static FsException walk(byte[] bytes) throws IOException {
        try (Counted img = new Counted(bytes)) {
            try {
                FileSystem fs = FileSystems.open(img, 0);
                FsPaths.walk(fs, fs.root(), (x, y) -> 0, (path, node) -> {
                    if (node.kind() == FsNode.Kind.FILE) {
                        fs.read(node, (offset, data) -> data.position(data.limit()));
                        // where the file lies (the dedup strategy cuts chunks there): never outside the disk
                        fs.placement(node, (offset, length) -> assertThat(offset).isNotNegative()
                                .isLessThanOrEqualTo(img.virtualSize() - length));
                    }
                    if (node.kind() == FsNode.Kind.SYMLINK) {
                        List<byte[]> names = new java.util.ArrayList<>(path);
                        names.add("..".getBytes()); // from the link's directory, the link itself followed
                        names.add(node.name());
                        try {
                            FsPaths.resolve(fs, names, true, "link");
                        } catch (FsException e) {
                            // a link to nowhere is an answer too
                        }
                    }
                });
                return null;
            } catch (FsException e) {
                return e;
            }
        }
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** An image in memory that counts what is read of it and fails past {@link #READ_BUDGET}: a loop cannot hide. */
    private static final class Counted implements DiskImage {
        private final byte[] bytes;
        private long read;

        Counted(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public Path path() {
            return Path.of("fuzz.raw");
        }

        @Override
        public ImageFormat format() {
            return ImageFormat.RAW;
        }

        @Override
        public long virtualSize() {
            return bytes.length;
        }

        @Override
        public boolean readOnly() {
            return true;
        }

        @Override
        public void read(long offset, ByteBuffer dst) {
            read += dst.remaining() + 512L; // each call costs something, however small
            if (read > READ_BUDGET) throw new AssertionError("the reader read more than " + READ_BUDGET + " bytes: a loop");
            if (offset < 0 || offset > bytes.length - dst.remaining()) throw new AssertionError("read past the disk: " + offset);
            dst.put(bytes, (int) offset, dst.remaining());
        }

        @Override
        public void write(long offset, ByteBuffer src) {
            throw new AssertionError("the reader wrote");
        }

        @Override
        public List<Extent> map(long offset, long length) {
            throw new AssertionError("the reader asked for the image's map"); // it reads blocks, as the kernel does
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
