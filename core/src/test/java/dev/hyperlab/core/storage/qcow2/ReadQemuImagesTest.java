package dev.hyperlab.core.storage.qcow2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.Extent;
import dev.hyperlab.core.storage.ImageInfo;
import dev.hyperlab.core.storage.QemuImg;
import dev.hyperlab.core.storage.TestData;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Images written by qemu-img read byte for byte as {@code qemu-img convert -O raw} reads them. */
class ReadQemuImagesTest {
    @TempDir Path dir;

    @BeforeEach
    void needsQemu() {
        QemuImg.require();
    }

    private void assertSameAsQemu(Path image) throws Exception {
        byte[] expected = QemuImg.contents(image, dir);
        try (DiskImage img = DiskImages.open(image, true)) {
            assertThat(img.virtualSize()).isEqualTo(expected.length);
            assertThat(TestData.readAll(img)).as("contents of %s", image).isEqualTo(expected);
            // reads at odd offsets and lengths cross cluster and table boundaries
            ByteBuffer part = ByteBuffer.allocate(100_003);
            img.read(12_345, part);
            assertThat(part.array()).isEqualTo(java.util.Arrays.copyOfRange(expected, 12_345, 12_345 + 100_003));
            List<Extent> map = img.map(0, img.virtualSize());
            assertThat(map.getFirst().offset()).isZero();
            assertThat(map.getLast().end()).isEqualTo(img.virtualSize());
            for (Extent e : map) {
                if (!e.data()) {
                    byte[] zeros = new byte[(int) e.length()];
                    assertThat(java.util.Arrays.copyOfRange(expected, (int) e.offset(), (int) e.end())).as("hole %s", e).isEqualTo(zeros);
                }
            }
        }
    }

    @ParameterizedTest(name = "cluster size {0}, options {1}")
    @CsvSource({
        "4096, ''", "65536, ''", "2097152, ''", "512, ''",
        "65536, -c", "4096, -c", "65536, compression_type=zstd", "2097152, compression_type=zstd",
        "65536, compat=0.10", "65536, refcount_bits=1", "65536, refcount_bits=64", "65536, lazy_refcounts=on",
    })
    void readsConvertedImages(int clusterSize, String option) throws Exception {
        Path raw = TestData.writeRaw(dir.resolve("src.raw"), TestData.mixed(clusterSize + option.hashCode(), 5 * 1024 * 1024 + 4096));
        Path q = dir.resolve("img.qcow2");
        String opts = "cluster_size=" + clusterSize;
        boolean compress = option.equals("-c") || option.startsWith("compression_type");
        if (!option.isEmpty() && !option.equals("-c")) opts += "," + option;
        if (compress) {
            QemuImg.img("convert", "-c", "-O", "qcow2", "-o", opts, raw.toString(), q.toString()).ok();
        } else {
            QemuImg.img("convert", "-O", "qcow2", "-o", opts, raw.toString(), q.toString()).ok();
        }
        assertSameAsQemu(q);
        ImageInfo info = DiskImages.info(q);
        assertThat(info.clusterSize()).hasValue(clusterSize);
        if (option.startsWith("compression_type")) assertThat(info.qcow2().orElseThrow().compressionType()).isEqualTo("zstd");
    }

    @Test
    void readsThreeDeepBackingChain() throws Exception {
        Path base = dir.resolve("base.qcow2");
        QemuImg.img("create", "-f", "qcow2", base.toString(), "8M").ok();
        QemuImg.io("-c", "write -P 0x11 0 3M", "-c", "write -P 0x12 5M 1M", base.toString()).ok();
        Path mid = dir.resolve("mid.qcow2");
        QemuImg.img("create", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", "-o", "cluster_size=4096", mid.toString()).ok();
        QemuImg.io("-c", "write -P 0x21 1M 100k", "-c", "write -z 2M 64k", mid.toString()).ok();
        Path top = dir.resolve("top.qcow2");
        QemuImg.img("create", "-f", "qcow2", "-b", "mid.qcow2", "-F", "qcow2", top.toString()).ok();
        QemuImg.io("-c", "write -P 0x31 1000k 200k", "-c", "discard 5M 64k", top.toString()).ok();
        assertSameAsQemu(top);
        try (DiskImage img = DiskImages.open(top, true)) {
            List<Extent> map = img.map(0, img.virtualSize());
            assertThat(map).anySatisfy(e -> assertThat(e.depth()).isEqualTo(2));
            assertThat(map).anySatisfy(e -> assertThat(e.depth()).isEqualTo(1));
        }
        ImageInfo info = DiskImages.info(top);
        assertThat(info.backingFilename()).hasValue("mid.qcow2");
        assertThat(info.backingChain()).hasSize(2);
    }

    @Test
    void readsRawBackingAndSnapshotsAndBitmaps() throws Exception {
        Path raw = TestData.writeRaw(dir.resolve("base.raw"), TestData.mixed(7, 3 * 1024 * 1024));
        Path q = dir.resolve("ov.qcow2");
        QemuImg.img("create", "-f", "qcow2", "-b", "base.raw", "-F", "raw", q.toString()).ok();
        QemuImg.io("-c", "write -P 0x41 0 70k", q.toString()).ok();
        QemuImg.img("snapshot", "-c", "first", q.toString()).ok();
        QemuImg.io("-c", "write -P 0x42 64k 64k", q.toString()).ok();
        QemuImg.img("bitmap", "--add", "--granularity", "4096", q.toString(), "daily").ok();
        QemuImg.img("snapshot", "-c", "second", q.toString()).ok();
        QemuImg.io("-c", "write -P 0x43 1M 8k", q.toString()).ok();
        assertSameAsQemu(q);
        try (Qcow2Image img = DiskImages.openQcow2(q, true)) {
            assertThat(img.snapshots()).extracting(Qcow2Snapshot::name).containsExactly("first", "second");
            assertThat(img.bitmaps()).containsExactly(new BitmapInfo("daily", 4096, true, false));
            DirtyBitmap bits = img.dirtyBitmap("daily");
            assertThat(bits.dirtyRanges()).containsExactly(new DirtyBitmap.Range(1024 * 1024, 8192));
            // the disk as it was at snapshot "first": 0x41 over the raw base
            byte[] at = new byte[70 * 1024 + 10];
            img.readSnapshot("first", 0, ByteBuffer.wrap(at));
            assertThat(at[64 * 1024 + 5]).isEqualTo((byte) 0x41);
            assertThat(at[70 * 1024 + 5]).isEqualTo(Files.readAllBytes(dir.resolve("base.raw"))[70 * 1024 + 5]);
        }
    }
}
