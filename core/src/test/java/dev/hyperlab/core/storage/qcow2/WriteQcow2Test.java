package dev.hyperlab.core.storage.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.core.storage.CheckReport;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.ImageException;
import dev.hyperlab.core.storage.ImageFormat;
import dev.hyperlab.core.storage.ImageInfo;
import dev.hyperlab.core.storage.QemuImg;
import dev.hyperlab.core.storage.TestData;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every image hyperlab writes passes {@code qemu-img check} and reads back in qemu-img as written. */
class WriteQcow2Test {
    @TempDir Path dir;

    @BeforeEach
    void needsQemu() {
        QemuImg.require();
    }

    /** Applies seeded random writes and discards to both the image and a byte-array model of the disk. */
    private static void scribble(Qcow2Image img, byte[] model, long seed, int ops) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < ops; i++) {
            int len = 1 + r.nextInt(r.nextBoolean() ? 4096 : 300_000);
            int off = r.nextInt(model.length - len);
            if (r.nextInt(6) == 0) {
                img.discard(off, len);
                Arrays.fill(model, off, off + len, (byte) 0);
            } else {
                byte[] data = new byte[len];
                r.nextBytes(data);
                if (r.nextBoolean()) Arrays.fill(data, 0, len / 2, (byte) 'x');
                img.write(off, ByteBuffer.wrap(data));
                System.arraycopy(data, 0, model, off, len);
            }
        }
    }

    private void assertQemuSees(Path image, byte[] model) throws Exception {
        QemuImg.assertClean(image);
        assertThat(QemuImg.contents(image, dir)).isEqualTo(model);
        CheckReport ours = DiskImages.check(image);
        assertThat(ours.problems()).isEmpty();
        assertThat(ours.qemuExitCode()).isZero();
    }

    @ParameterizedTest(name = "cluster size {0}")
    @ValueSource(ints = {4096, 65536, 2097152})
    void writesDiscardsAndGrows(int clusterSize) throws Exception {
        Path p = dir.resolve("w.qcow2");
        byte[] model = new byte[6 * 1024 * 1024 + 512];
        try (Qcow2Image img = Qcow2Image.create(p, Qcow2CreateOptions.ofSize(model.length).withClusterSize(clusterSize))) {
            scribble(img, model, clusterSize, 60);
            assertThat(TestData.readAll(img)).isEqualTo(model);
        }
        assertQemuSees(p, model);
        byte[] grown = Arrays.copyOf(model, 40 * 1024 * 1024);
        try (Qcow2Image img = DiskImages.openQcow2(p, false)) {
            img.resize(grown.length);
            scribble(img, grown, clusterSize + 1, 40);
        }
        assertQemuSees(p, grown);
        ImageInfo info = DiskImages.info(p);
        String qemu = QemuImg.img("info", "--output=json", p.toString()).ok().out();
        assertThat(qemu).contains("\"virtual-size\": " + grown.length, "\"cluster-size\": " + clusterSize);
        assertThat(info.virtualSize()).isEqualTo(grown.length);
    }

    @Test
    void manySmallClustersGrowTheRefcountTable() throws Exception {
        Path p = dir.resolve("big.qcow2");
        // 4 KiB clusters: one refcount block covers 8 MiB and one table cluster 4 GiB, so 40 MiB of data needs many blocks
        byte[] chunk = new byte[1 << 20];
        new SplittableRandom(3).nextBytes(chunk);
        try (Qcow2Image img = Qcow2Image.create(p, Qcow2CreateOptions.ofSize(6L << 30).withClusterSize(4096))) {
            for (int i = 0; i < 40; i++) img.write((long) i * 150 << 20, ByteBuffer.wrap(chunk));
        }
        QemuImg.assertClean(p);
        assertThat(DiskImages.check(p).clean()).isTrue();
    }

    @Test
    void overlayWritesStayInTheOverlay() throws Exception {
        byte[] base = TestData.mixed(11, 4 * 1024 * 1024);
        Path raw = TestData.writeRaw(dir.resolve("base.raw"), base);
        Path q = dir.resolve("base.qcow2");
        QemuImg.img("convert", "-O", "qcow2", raw.toString(), q.toString()).ok();
        Path ov = dir.resolve("vm1.qcow2");
        byte[] model = base.clone();
        try (Qcow2Image img = DiskImages.createOverlay(ov, q)) {
            assertThat(img.backingFileName()).hasValue("base.qcow2");
            scribble(img, model, 5, 50);
        }
        assertQemuSees(ov, model);
        assertThat(QemuImg.contents(q, dir)).isEqualTo(base);
        String qemu = QemuImg.img("info", "--output=json", ov.toString()).ok().out();
        assertThat(qemu).contains("\"backing-filename\": \"base.qcow2\"", "\"backing-filename-format\": \"qcow2\"");
        assertThat(DiskImages.info(ov).backingFilename()).hasValue("base.qcow2");
    }

    @Test
    void snapshotsCreateListApplyDelete() throws Exception {
        Path p = dir.resolve("s.qcow2");
        byte[] model = new byte[3 * 1024 * 1024];
        byte[] vmState = new byte[300_000];
        new SplittableRandom(9).nextBytes(vmState);
        byte[] atFirst;
        try (Qcow2Image img = Qcow2Image.create(p, Qcow2CreateOptions.ofSize(model.length))) {
            scribble(img, model, 1, 30);
            atFirst = model.clone();
            img.createSnapshot("first", new Qcow2Snapshot.Times(1_700_000_000L, 5, 42_000_000_123L), ByteBuffer.wrap(vmState));
            scribble(img, model, 2, 30);
            img.createSnapshot("second", Qcow2Snapshot.Times.ZERO, ByteBuffer.allocate(0));
            scribble(img, model, 3, 30);
            assertThat(TestData.readAll(img)).isEqualTo(model);
            byte[] back = new byte[vmState.length];
            img.readVmState("first", 0, ByteBuffer.wrap(back));
            assertThat(back).isEqualTo(vmState);
        }
        assertQemuSees(p, model);
        String list = QemuImg.img("snapshot", "-l", p.toString()).ok().out();
        assertThat(list).contains("first", "second", "293 KiB");
        String qemu = QemuImg.img("info", "--output=json", p.toString()).ok().out();
        assertThat(qemu).contains("\"vm-state-size\": 300000", "\"date-sec\": 1700000000", "\"vm-clock-sec\": 42");
        ImageInfo info = DiskImages.info(p);
        assertThat(info.snapshots()).extracting(Qcow2Snapshot::name).containsExactly("first", "second");

        try (Qcow2Image img = DiskImages.openQcow2(p, false)) {
            img.applySnapshot("first");
            assertThat(TestData.readAll(img)).isEqualTo(atFirst);
            scribble(img, atFirst, 4, 20);
        }
        assertQemuSees(p, atFirst);
        try (Qcow2Image img = DiskImages.openQcow2(p, false)) {
            img.deleteSnapshot("second");
            assertThatThrownBy(() -> img.deleteSnapshot("second")).isInstanceOf(ImageException.class).hasMessageContaining("no snapshot named 'second'");
            assertThatThrownBy(() -> img.createSnapshot("first", Qcow2Snapshot.Times.ZERO, ByteBuffer.allocate(0)))
                    .isInstanceOf(ImageException.class).hasMessageContaining("already exists");
        }
        assertQemuSees(p, atFirst);
        // qemu-img reverts to our snapshot and reads what we saved
        QemuImg.img("snapshot", "-a", "first", p.toString()).ok();
        QemuImg.assertClean(p);
        try (Qcow2Image img = DiskImages.openQcow2(p, false)) {
            img.deleteSnapshot("first");
            assertThat(img.snapshots()).isEmpty();
        }
        QemuImg.assertClean(p);
        assertThat(DiskImages.check(p).clean()).isTrue();
    }

    @Test
    void bitmapsRecordEveryWriteAndQemuReadsThem() throws Exception {
        Path p = dir.resolve("b.qcow2");
        try (Qcow2Image img = Qcow2Image.create(p, Qcow2CreateOptions.ofSize(16 << 20))) {
            img.addBitmap("full", 65536);
            img.write(100, ByteBuffer.allocate(10));
            img.write(5 << 20, ByteBuffer.allocate(200_000));
        }
        QemuImg.assertClean(p);
        String qemu = QemuImg.img("info", "--output=json", p.toString()).ok().out();
        assertThat(qemu).contains("\"name\": \"full\"", "\"granularity\": 65536", "\"auto\"");
        try (Qcow2Image img = DiskImages.openQcow2(p, false)) {
            assertThat(img.dirtyBitmap("full").dirtyRanges()).containsExactly(
                    new DirtyBitmap.Range(0, 65536), new DirtyBitmap.Range(5 << 20, 4 * 65536));
            img.addBitmap("inc", 4096);
            img.write(8 << 20, ByteBuffer.allocate(4096));
            img.mergeBitmap("inc", "full");
            img.clearBitmap("inc");
            img.write(9 << 20, ByteBuffer.allocate(1));
        }
        QemuImg.assertClean(p);
        // QEMU adds a write, then our reader sees it in both bitmaps
        QemuImg.io("-c", "write -P 1 12M 4k", p.toString()).ok();
        QemuImg.assertClean(p);
        try (Qcow2Image img = DiskImages.openQcow2(p, true)) {
            assertThat(img.dirtyBitmap("inc").dirtyRanges()).containsExactly(
                    new DirtyBitmap.Range(9 << 20, 4096), new DirtyBitmap.Range(12 << 20, 4096));
            assertThat(img.dirtyBitmap("full").isDirty(8 << 20)).isTrue();
            assertThat(img.dirtyBitmap("full").isDirty(12 << 20)).isTrue();
        }
        try (Qcow2Image img = DiskImages.openQcow2(p, false)) {
            img.removeBitmap("inc");
            img.write(0, ByteBuffer.allocate(1));
        }
        QemuImg.assertClean(p);
        assertThat(DiskImages.info(p).qcow2().orElseThrow().bitmaps()).extracting(BitmapInfo::name).containsExactly("full");
    }

    @Test
    void refusesBadRequestsWithOneLineMessages() throws Exception {
        Path p = dir.resolve("r.qcow2");
        assertThatThrownBy(() -> Qcow2Image.create(p, Qcow2CreateOptions.ofSize(1 << 20).withClusterSize(3000)))
                .isInstanceOf(ImageException.class).hasMessageContaining("power of two");
        try (Qcow2Image img = Qcow2Image.create(p, Qcow2CreateOptions.ofSize(1 << 20))) {
            assertThatThrownBy(() -> img.write((1 << 20) - 1, ByteBuffer.allocate(2))).isInstanceOf(ImageException.class).hasMessageContaining("outside the disk");
            assertThatThrownBy(() -> img.resize(1000)).isInstanceOf(ImageException.class).hasMessageContaining("shrinking");
        }
        try (var ro = DiskImages.open(p, ImageFormat.QCOW2, true)) {
            assertThatThrownBy(() -> ro.write(0, ByteBuffer.allocate(1))).isInstanceOf(ImageException.class).hasMessageContaining("read-only");
        }
        QemuImg.assertClean(p);
    }
}
