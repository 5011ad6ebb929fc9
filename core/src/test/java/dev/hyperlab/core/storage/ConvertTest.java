package dev.hyperlab.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conversion between formats keeps every byte, keeps holes, and qemu-img agrees (qemu-img compare). */
class ConvertTest {
    @TempDir Path dir;

    @BeforeEach
    void needsQemu() {
        QemuImg.require();
    }

    @Test
    void rawToQcow2ToRawRoundTrips() throws Exception {
        byte[] content = TestData.mixed(21, 9 * 1024 * 1024 + 4096);
        Path raw = TestData.writeRaw(dir.resolve("a.raw"), content);
        Path q = dir.resolve("a.qcow2");
        try (DiskImage src = DiskImages.open(raw, true)) {
            ImageConverter.convert(src, q, ImageFormat.QCOW2);
        }
        QemuImg.assertClean(q);
        QemuImg.img("compare", raw.toString(), q.toString()).ok();
        Path back = dir.resolve("b.raw");
        try (DiskImage src = DiskImages.open(q, true)) {
            ImageConverter.Result r = ImageConverter.convert(src, back, ImageFormat.RAW);
            assertThat(r.bytesWritten()).isLessThan(content.length); // zero blocks were skipped
        }
        assertThat(Files.readAllBytes(back)).isEqualTo(content);
        // zero 64 KiB blocks became holes in the raw copy
        try (DiskImage b = DiskImages.open(back, true)) {
            assertThat(b.map(0, b.virtualSize())).anySatisfy(e -> assertThat(e.data()).isFalse());
        }
    }

    @Test
    void aSyncedConversionWritesBackAsItGoesAndKeepsEveryByte() throws Exception {
        // 200 MiB of data: the background write-back runs several times while the copy goes on
        byte[] content = TestData.mixed(23, 200 * 1024 * 1024);
        Path raw = TestData.writeRaw(dir.resolve("big.raw"), content);
        for (ImageFormat format : ImageFormat.values()) {
            Path out = dir.resolve("big-synced." + format.name().toLowerCase(java.util.Locale.ROOT));
            try (DiskImage src = DiskImages.open(raw, true)) {
                ImageConverter.convert(src, out, format, 65536, true);
            }
            if (format == ImageFormat.QCOW2) QemuImg.assertClean(out);
            QemuImg.img("compare", raw.toString(), out.toString()).ok();
        }
    }

    @Test
    void aSyncedConversionOfOddlyAlignedDataKeepsEveryByte() throws Exception {
        // data that starts and ends off 4 KiB and cluster boundaries, and a size that is whole sectors but not whole
        // pages: the synced (O_DIRECT) path writes the aligned runs past the page cache and the rest through it
        int size = 3 * 1024 * 1024 + 1536;
        byte[] content = new byte[size];
        byte[] mixed = TestData.mixed(24, size);
        System.arraycopy(mixed, 512, content, 512, 70_000);            // inside the first clusters, odd ends
        System.arraycopy(mixed, 1_000_000, content, 1_000_000, 300_000);
        System.arraycopy(mixed, size - 5000, content, size - 5000, 5000); // the unaligned tail
        Path raw = TestData.writeRaw(dir.resolve("odd.raw"), content);
        for (ImageFormat format : ImageFormat.values()) {
            for (int cluster : new int[] {4096, 65536}) {
                if (format == ImageFormat.RAW && cluster != 65536) continue;
                Path out = dir.resolve("odd-" + cluster + "." + format.name().toLowerCase(java.util.Locale.ROOT));
                try (DiskImage src = DiskImages.open(raw, true)) {
                    ImageConverter.convert(src, out, format, cluster, true);
                }
                if (format == ImageFormat.QCOW2) QemuImg.assertClean(out);
                QemuImg.img("compare", raw.toString(), out.toString()).ok();
                try (DiskImage back = DiskImages.open(out, true)) {
                    assertThat(TestData.readAll(back)).isEqualTo(content);
                }
                // and back from the qcow2 copy to raw, synced: its clusters are the source now
                if (format == ImageFormat.QCOW2) {
                    Path again = dir.resolve("odd-" + cluster + "-back.raw");
                    try (DiskImage src = DiskImages.open(out, true)) {
                        ImageConverter.convert(src, again, ImageFormat.RAW, 65536, true);
                    }
                    assertThat(Files.readAllBytes(again)).isEqualTo(content);
                }
            }
        }
    }

    @Test
    void convertsAnOverlayChainIntoOneImage() throws Exception {
        byte[] content = TestData.mixed(22, 4 * 1024 * 1024);
        Path raw = TestData.writeRaw(dir.resolve("base.raw"), content);
        Path ov = dir.resolve("ov.qcow2");
        try (var img = DiskImages.createOverlay(ov, raw)) {
            img.write(1000, ByteBuffer.wrap(new byte[] {1, 2, 3}));
        }
        Path flat = dir.resolve("flat.qcow2");
        try (DiskImage src = DiskImages.open(ov, true)) {
            ImageConverter.convert(src, flat, ImageFormat.QCOW2, 4096);
        }
        QemuImg.assertClean(flat);
        QemuImg.img("compare", ov.toString(), flat.toString()).ok();
        assertThat(DiskImages.info(flat).backingFilename()).isEmpty();
    }

    @Test
    void refusesToOverwrite() throws Exception {
        Path raw = TestData.writeRaw(dir.resolve("x.raw"), new byte[4096]);
        try (DiskImage src = DiskImages.open(raw, true)) {
            assertThatThrownBy(() -> ImageConverter.convert(src, raw, ImageFormat.QCOW2))
                    .isInstanceOf(ImageException.class).hasMessageContaining("already exists");
        }
        assertThat(Files.size(raw)).isEqualTo(4096);
    }
}
