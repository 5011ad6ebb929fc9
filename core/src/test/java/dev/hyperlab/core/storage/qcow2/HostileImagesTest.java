package dev.hyperlab.core.storage.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.core.storage.CheckReport;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.Extent;
import dev.hyperlab.core.storage.ImageException;
import dev.hyperlab.core.storage.ImageFormat;
import dev.hyperlab.core.storage.ImageInfo;
import dev.hyperlab.core.storage.QemuImg;
import dev.hyperlab.core.storage.TestData;
import dev.hyperlab.core.storage.raw.RawImage;
import java.io.FileOutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One regression test per hostile-image item of issue 13 (files from {@link HostileImages}), each compared with what
 * {@code qemu-img} says of the same file where that helps: hyperlab refuses what qemu refuses, with a one-line
 * {@link ImageException}, and reads what qemu reads.
 */
class HostileImagesTest {
    @TempDir Path dir;

    // ------------------------------------------------------------------ item 8: FIFOs and devices are never opened

    /**
     * Counts the times anything opened {@code fifo} for reading: a writer's open of a FIFO returns only when a reader
     * opens it too. Closing the counter releases a writer still waiting (a read-write open never blocks on Linux).
     */
    private static final class FifoReaderCounter implements AutoCloseable {
        private final Path fifo;
        private final AtomicInteger opens = new AtomicInteger();
        private volatile boolean stop;
        private final Thread writer;

        FifoReaderCounter(Path fifo) throws Exception {
            this.fifo = fifo;
            Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
            assertThat(p.waitFor()).as("mkfifo").isZero();
            writer = Thread.ofPlatform().daemon().start(() -> {
                while (!stop) {
                    try (FileOutputStream out = new FileOutputStream(fifo.toFile())) {
                        if (!stop) opens.incrementAndGet();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
        }

        int opens() {
            return opens.get();
        }

        @Override
        public void close() throws java.io.IOException {
            stop = true;
            while (writer.isAlive()) {
                new RandomAccessFile(fifo.toFile(), "rw").close();
                Thread.onSpinWait();
            }
        }
    }

    @Test
    void aFifoAsBackingFileIsRefusedWithoutOpeningIt() throws Exception {
        Path backing = dir.resolve("backing.raw");
        TestData.writeRaw(backing, new byte[1 << 20]);
        Path top = dir.resolve("top.qcow2"); // no backing format recorded: hyperlab would probe the file's first bytes
        Qcow2Image.create(top, new Qcow2CreateOptions(1 << 20, 65536, Optional.of("backing.raw"), Optional.empty())).close();
        Files.delete(backing);
        try (FifoReaderCounter fifo = new FifoReaderCounter(backing)) {
            assertThatThrownBy(() -> DiskImages.open(top, true)).isInstanceOf(ImageException.class)
                    .hasMessageContaining("not a regular file").hasMessageNotContaining("\n");
            assertThatThrownBy(() -> DiskImages.info(top)).isInstanceOf(ImageException.class);
            assertThatThrownBy(() -> DiskImages.check(top)).isInstanceOf(ImageException.class);
            assertThat(fifo.opens()).as("opens of the FIFO").isZero();
        }
    }

    @Test
    void aFifoAsTheImageItselfIsRefusedWithoutOpeningIt() throws Exception {
        Path image = dir.resolve("image.qcow2");
        try (FifoReaderCounter fifo = new FifoReaderCounter(image)) {
            assertThatThrownBy(() -> DiskImages.probe(image)).isInstanceOf(ImageException.class).hasMessageContaining("not a regular file");
            assertThatThrownBy(() -> DiskImages.open(image, true)).isInstanceOf(ImageException.class);
            assertThatThrownBy(() -> DiskImages.open(image, false)).isInstanceOf(ImageException.class);
            assertThatThrownBy(() -> Qcow2Image.open(image, true, List.of())).isInstanceOf(ImageException.class);
            assertThatThrownBy(() -> RawImage.open(image, true)).isInstanceOf(ImageException.class);
            assertThatThrownBy(() -> DiskImages.check(image)).isInstanceOf(ImageException.class);
            assertThat(fifo.opens()).as("opens of the FIFO").isZero();
        }
    }

    @Test
    void aDeviceIsNotAnImage() throws Exception {
        Path zero = Path.of("/dev/zero");
        assertThatThrownBy(() -> DiskImages.open(zero, true)).isInstanceOf(ImageException.class).hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> RawImage.open(zero, true)).isInstanceOf(ImageException.class);
        Path top = dir.resolve("on-dev-zero.qcow2");
        Path link = dir.resolve("zero.raw");
        TestData.writeRaw(link, new byte[1 << 20]);
        Qcow2Image.create(top, new Qcow2CreateOptions(1 << 20, 65536, Optional.of("zero.raw"), Optional.of(ImageFormat.RAW))).close();
        Files.delete(link);
        Files.createSymbolicLink(link, zero);
        assertThatThrownBy(() -> DiskImages.open(top, true)).isInstanceOf(ImageException.class).hasMessageContaining("not a regular file");
    }

    // ------------------------------------------------------------------ item 9: lengths checked before allocating

    @Test
    void aHugeHeaderExtensionIsRefusedAsQemuRefusesIt() throws Exception {
        for (int length : new int[] {0x7ffffff0, 0xffffffff, 65536}) {
            Path p = HostileImages.extensionLength(dir.resolve("ext-" + Integer.toHexString(length) + ".qcow2"), length);
            assertThatThrownBy(() -> DiskImages.open(p, true)).isInstanceOf(ImageException.class)
                    .hasMessageContaining("header extension").hasMessageNotContaining("\n");
            QemuImg.require();
            assertThat(QemuImg.img("info", p.toString()).err()).contains("Header extension too large");
        }
    }

    @Test
    void vmStateLargerThanTheFileIsRefusedBeforeAllocating() throws Exception {
        Path p = HostileImages.vmStateSize(dir.resolve("vmstate.qcow2"), 0x7fffffe0L);
        try (Qcow2Image img = DiskImages.openQcow2(p, true)) {
            assertThat(img.snapshot("s").orElseThrow().vmStateSize()).isEqualTo(0x7fffffe0L); // listed, as qemu-img lists it
            assertThatThrownBy(() -> img.readVmState("s")).isInstanceOf(ImageException.class)
                    .hasMessageContaining("VM state").hasMessageContaining("more than the file holds");
        }
        QemuImg.require();
        assertThat(QemuImg.img("snapshot", "-l", p.toString()).out()).contains("s");
    }

    // ------------------------------------------------------------------ item 10: qemu's size limits

    @Test
    void aVirtualSizeNoL1TableCanAddressIsRefusedAsQemuRefusesIt() throws Exception {
        Path p = HostileImages.virtualSize(dir.resolve("big.qcow2"), Long.MAX_VALUE, 1);
        assertThatThrownBy(() -> DiskImages.open(p, true)).isInstanceOf(ImageException.class).hasMessageContaining("too large");
        assertThatThrownBy(() -> DiskImages.check(p)).isInstanceOf(ImageException.class);
        QemuImg.require();
        assertThat(QemuImg.img("info", p.toString()).err()).contains("Image is too big");
        assertThat(QemuImg.img("check", p.toString()).exit()).isNotZero();
    }

    @Test
    void createAppliesQemusSizeLimits() throws Exception {
        QemuImg.require();
        long pib = 1L << 50;
        long eib = 1L << 60;
        Object[][] cases = {{2 * pib, 65536}, {4 * pib, 65536}, {2 * eib, 2 << 20}, {4 * eib, 2 << 20}, {Long.MAX_VALUE & ~511L, 2 << 20}};
        for (Object[] c : cases) {
            long size = (Long) c[0];
            int cs = (Integer) c[1];
            Path ours = dir.resolve("ours-" + size + "-" + cs + ".qcow2");
            Path theirs = dir.resolve("theirs-" + size + "-" + cs + ".qcow2");
            boolean qemuMade = QemuImg.img("create", "-q", "-f", "qcow2", "-o", "cluster_size=" + cs, theirs.toString(), Long.toString(size)).exit() == 0;
            boolean weMade;
            try {
                Qcow2Image.create(ours, Qcow2CreateOptions.ofSize(size).withClusterSize(cs)).close();
                weMade = true;
            } catch (ImageException e) {
                assertThat(e.getMessage()).contains("too large").doesNotContain("\n");
                assertThat(ours).doesNotExist();
                weMade = false;
            }
            assertThat(weMade).as("create %d bytes with %d-byte clusters", size, cs).isEqualTo(qemuMade);
            if (weMade) QemuImg.assertClean(ours);
            Files.deleteIfExists(ours);
            Files.deleteIfExists(theirs);
        }
    }

    @Test
    void revertingToASnapshotOfAnImpossibleSizeChangesNothing() throws Exception {
        Path p = HostileImages.snapshotDiskSize(dir.resolve("snapsize.qcow2"), Long.MAX_VALUE);
        byte[] before = Files.readAllBytes(p);
        try (Qcow2Image img = DiskImages.openQcow2(p, false)) {
            assertThatThrownBy(() -> img.applySnapshot("s")).isInstanceOf(ImageException.class).hasMessageContaining("too large");
        }
        try (Qcow2Image img = DiskImages.openQcow2(p, true)) {
            assertThat(img.virtualSize()).isEqualTo(4 << 20);
        }
        QemuImg.require();
        QemuImg.assertClean(p);
        assertThat(Files.size(p)).isEqualTo(before.length);
    }

    @Test
    void bitmapsFollowQemusLimits() throws Exception {
        QemuImg.require();
        Path p = dir.resolve("2pib.qcow2");
        Qcow2Image.create(p, Qcow2CreateOptions.ofSize(1L << 51)).close();
        Path q = dir.resolve("2pib-qemu.qcow2");
        Files.copy(p, q);
        // 2 PiB at 64 KiB per bit would be 4 GiB of bits: qemu refuses, and so does hyperlab (no OutOfMemoryError)
        QemuImg.Result r = QemuImg.img("bitmap", "--add", "-g", "64K", q.toString(), "b");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("Too much space will be occupied by the bitmap");
        try (Qcow2Image img = DiskImages.openQcow2(p, false)) {
            assertThatThrownBy(() -> img.addBitmap("b", 65536)).isInstanceOf(ImageException.class).hasMessageContaining("larger granularity");
            long g = img.bitmapGranularityFor(65536, 1L << 31);
            assertThat(g).isEqualTo(16L << 20); // 2^51 / 2^24 = 2^27 bits: 16 MiB of memory
            img.addBitmap("b", g);
            img.write(3L << 40, ByteBuffer.wrap(new byte[] {1}));
        }
        QemuImg.assertClean(p);
        assertThat(QemuImg.img("info", p.toString()).out()).contains("granularity: 16777216");
        try (Qcow2Image img = DiskImages.openQcow2(p, true)) {
            assertThat(img.dirtyBitmap("b").dirtyRanges()).containsExactly(new DirtyBitmap.Range(3L << 40, 16L << 20));
        }
    }

    // ------------------------------------------------------------------ item 11: deep chains without recursion

    private interface Body {
        void run() throws Exception;
    }

    /**
     * Runs {@code body} on a thread with a 256 KiB stack: plenty for one image, far too little for a recursion per
     * level of a 1024-deep chain (which is what the test is about: the stack used must not grow with the depth).
     */
    private static void onSmallStack(Body body) throws Throwable {
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = Thread.ofPlatform().stackSize(256 << 10).start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join();
        if (failure.get() != null) throw failure.get();
    }

    @Test
    void aChain1024DeepReadsThroughAndADeeperOneIsRefused() throws Throwable {
        Path top = HostileImages.chain(dir, BackingChainDepth.LIMIT);
        onSmallStack(() -> {
            try (DiskImage img = DiskImages.open(top, true)) {
                ByteBuffer b = ByteBuffer.allocate(7);
                img.read(0, b);
                assertThat(new String(b.array(), StandardCharsets.US_ASCII)).isEqualTo("deepest");
                List<Extent> map = img.map(0, img.virtualSize());
                assertThat(map.getFirst()).isEqualTo(new Extent(0, 4096, true, BackingChainDepth.LIMIT));
                assertThat(map.getLast().end()).isEqualTo(1 << 20);
                ImageInfo info = DiskImages.info(img);
                assertThat(info.backingChain()).hasSize(BackingChainDepth.LIMIT);
                assertThat(info.toJson()).contains("c0000.qcow2");
                assertThat(DiskImages.check(img).clean()).isTrue();
            }
            try (DiskImage img = DiskImages.open(top, true)) {
                dev.hyperlab.core.storage.ImageConverter.convert(img, dir.resolve("flat.raw"), ImageFormat.RAW);
            }
        });
        assertThat(new String(Files.readAllBytes(dir.resolve("flat.raw")), 0, 7, StandardCharsets.US_ASCII)).isEqualTo("deepest");
        // one more level is one too many
        Path deeper = HostileImages.chain(dir, BackingChainDepth.LIMIT + 1);
        onSmallStack(() -> {
            assertThatThrownBy(() -> DiskImages.open(deeper, true)).isInstanceOf(ImageException.class)
                    .hasMessageContaining("deeper than 1024").hasMessageNotContaining("\n");
            assertThatThrownBy(() -> DiskImages.createOverlay(dir.resolve("overlay.qcow2"), top)).isInstanceOf(ImageException.class)
                    .hasMessageContaining("deeper than 1024");
        });
        assertThat(dir.resolve("overlay.qcow2")).doesNotExist();
        QemuImg.require(); // qemu-img reads the deepest chain hyperlab accepts, as hyperlab does
        assertThat(QemuImg.img("info", "--backing-chain", top.toString()).exit()).isZero();
    }

    /** The documented depth limit, named where the test uses it. */
    private static final class BackingChainDepth {
        static final int LIMIT = dev.hyperlab.core.storage.BackingChain.MAX_DEPTH;
    }

    // ------------------------------------------------------------------ item 13: reserved bits, as qemu-img check

    @Test
    void reservedBitsInTablesAreCorruptionsAsQemuImgCheckReportsThem() throws Exception {
        QemuImg.require();
        for (HostileImages.Hostile h : HostileImages.writeAll(dir)) {
            if (!h.item().equals("13")) continue;
            Path p = h.file();
            QemuImg.Result theirs = QemuImg.img("check", p.toString());
            CheckReport ours = DiskImages.check(p);
            assertThat(ours.qemuExitCode()).as("%s: qemu-img check says %s", h.what(), theirs.err()).isEqualTo(theirs.exit());
            assertThat(ours.corruptions()).as(h.what()).isEqualTo(1);
            assertThat(String.join("\n", ours.problems())).contains("reserved bits set");
            // qemu reads such images all the same (it masks the bits), and so does hyperlab
            try (DiskImage img = DiskImages.open(p, true)) {
                assertThat(TestData.readAll(img)).as(h.what()).isEqualTo(QemuImg.contents(p, dir));
            }
        }
    }

    // ------------------------------------------------------------------ item 14: what the fuzz loop found

    @Test
    void anAllOnesL2EntryIsACleanErrorAsForQemu() throws Exception {
        Path p = HostileImages.l2Entry(dir.resolve("all-ones.qcow2"), -1L); // was a NullPointerException
        try (DiskImage img = DiskImages.open(p, true)) {
            assertThatThrownBy(() -> img.read(0, ByteBuffer.allocate(4096))).isInstanceOf(ImageException.class)
                    .hasMessageContaining("compressed cluster");
        }
        QemuImg.require();
        assertThat(QemuImg.img("convert", "-O", "raw", p.toString(), dir.resolve("all-ones.raw").toString()).exit()).isNotZero();
    }

    @Test
    void aBitmapDirectoryThatIsNotExactlyItsEntriesIsRefusedAsQemuRefusesIt() throws Exception {
        QemuImg.require();
        Path slack = HostileImages.bitmapDirectorySlack(dir.resolve("slack.qcow2")); // was an IllegalStateException on open for writing
        assertThatThrownBy(() -> DiskImages.open(slack, false)).isInstanceOf(ImageException.class).hasMessageContaining("bitmap directory");
        assertThat(QemuImg.img("check", slack.toString()).exit()).isNotZero();
        Path name = HostileImages.bitmapNameNotUtf8(dir.resolve("name.qcow2")); // was an IllegalStateException too
        assertThatThrownBy(() -> DiskImages.open(name, false)).isInstanceOf(ImageException.class).hasMessageContaining("not UTF-8");
    }
}
