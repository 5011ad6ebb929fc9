package dev.hyperlab.core.storage.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.core.storage.CorruptImageException;
import dev.hyperlab.core.storage.DamagedImages;
import dev.hyperlab.core.storage.DamagedImages.Damage;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.ImageFormat;
import dev.hyperlab.core.storage.OpenMode;
import dev.hyperlab.core.storage.QemuImg;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Nothing is written into an image whose refcounts cannot be trusted (issue 13, item 6): an attach checks the image in
 * full and refuses a corrupt one with the findings in one line; every other open for writing checks that the metadata
 * structures are counted. The refused file is left byte for byte as it was, so qemu-img can still repair it.
 */
class WriteGuardTest {
    @TempDir
    Path dir;

    @BeforeEach
    void qemu() {
        QemuImg.require();
    }

    @ParameterizedTest
    @EnumSource(value = Damage.class, names = {"REFCOUNT_TABLE_ENTRY_ZEROED", "DATA_REFCOUNTS_ZEROED",
            "REFCOUNT_BLOCK_ON_L1_TABLE", "L2_ENTRY_PAST_END"})
    void attachRefusesACorruptImageAndWritesNothing(Damage damage) throws Exception {
        Path p = DamagedImages.make(dir.resolve("img.qcow2"), damage);
        assertThat(QemuImg.img("check", p.toString()).exit()).isEqualTo(2);
        byte[] before = Files.readAllBytes(p);

        assertThatThrownBy(() -> DiskImages.open(p, ImageFormat.QCOW2, OpenMode.ATTACH))
                .isInstanceOf(CorruptImageException.class)
                .hasMessageStartingWith(p + ": image is corrupt (")
                .hasMessageContaining("first: ")
                .hasMessageEndingWith("nothing was written to it")
                .hasMessageNotContaining("\n");

        assertThat(Files.readAllBytes(p)).isEqualTo(before);
        if (damage != Damage.L2_ENTRY_PAST_END) {
            QemuImg.img("check", "-r", "all", p.toString()).ok(); // QEMU can still repair what hyperlab left alone
            assertThat(DamagedImages.dataIntact(p)).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Damage.class, names = {"REFCOUNT_TABLE_ENTRY_ZEROED", "REFCOUNT_BLOCK_ON_L1_TABLE"})
    void everyOpenForWritingRefusesARefcountStructureThatDoesNotCountTheMetadata(Damage damage) throws Exception {
        Path p = DamagedImages.make(dir.resolve("img.qcow2"), damage);
        byte[] before = Files.readAllBytes(p);
        assertThatThrownBy(() -> DiskImages.open(p, false))
                .isInstanceOf(CorruptImageException.class)
                .hasMessageMatching(".*image is corrupt \\((the header|the L1 table|refcount block 0).*\\); nothing was written to it");
        assertThat(Files.readAllBytes(p)).isEqualTo(before);
    }

    @Test
    void leaksAloneDoNotStopAnAttach() throws Exception {
        Path p = DamagedImages.make(dir.resolve("leaky.qcow2"), Damage.LEAKED_CLUSTERS);
        assertThat(QemuImg.img("check", p.toString()).exit()).isEqualTo(3);
        try (DiskImage img = DiskImages.open(p, ImageFormat.QCOW2, OpenMode.ATTACH)) {
            img.write(0, ByteBuffer.wrap(new byte[4096]));
        }
        assertThat(QemuImg.img("check", p.toString()).exit()).isIn(0, 3);
    }

    @Test
    void anImageQemuMarkedCorruptIsRefused() throws Exception {
        Path p = DamagedImages.healthy(dir.resolve("marked.qcow2"));
        DamagedImages.setIncompatibleFeatures(p, 2);
        byte[] before = Files.readAllBytes(p);
        assertThatThrownBy(() -> DiskImages.open(p, false)).isInstanceOf(CorruptImageException.class)
                .hasMessageContaining("marked corrupt");
        assertThat(Files.readAllBytes(p)).isEqualTo(before);
    }

    @Test
    void aHealthyImageAttachesAndStaysClean() throws Exception {
        Path p = DamagedImages.healthy(dir.resolve("ok.qcow2"));
        try (DiskImage img = DiskImages.open(p, ImageFormat.QCOW2, OpenMode.ATTACH)) {
            img.write(5 << 20, ByteBuffer.wrap(new byte[70_000]));
        }
        QemuImg.assertClean(p);
        assertThat(DamagedImages.dataIntact(p)).isTrue();
    }
}
