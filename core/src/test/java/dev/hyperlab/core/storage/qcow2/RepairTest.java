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
import dev.hyperlab.core.storage.RepairReport;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code disk repair} does what {@code qemu-img check -r all} does to refcounts: the repaired image is clean for
 * qemu-img, holds the same guest data as QEMU's own repair of the same file, and can be written again.
 */
class RepairTest {
    @TempDir
    Path dir;

    @BeforeEach
    void qemu() {
        QemuImg.require();
    }

    @ParameterizedTest
    @EnumSource(value = Damage.class, names = {"REFCOUNT_TABLE_ENTRY_ZEROED", "DATA_REFCOUNTS_ZEROED",
            "REFCOUNT_BLOCK_ON_L1_TABLE", "LEAKED_CLUSTERS"})
    void repairLeavesWhatQemuImgCallsClean(Damage damage) throws Exception {
        Path p = DamagedImages.make(dir.resolve("img.qcow2"), damage);
        Path byQemu = dir.resolve("by-qemu.qcow2");
        Files.copy(p, byQemu);

        RepairReport r = DiskImages.repair(p);

        assertThat(r.before().clean()).isFalse();
        assertThat(r.after().clean()).as("%s", r.after().problems()).isTrue();
        assertThat(r.rebuiltRefcounts()).isEqualTo(damage == Damage.REFCOUNT_BLOCK_ON_L1_TABLE);
        QemuImg.assertClean(p);
        assertThat(DamagedImages.dataIntact(p)).isTrue();
        QemuImg.img("check", "-r", "all", byQemu.toString()).ok();
        QemuImg.img("compare", p.toString(), byQemu.toString()).ok(); // the guest sees the same disk either way

        try (DiskImage img = DiskImages.open(p, ImageFormat.QCOW2, OpenMode.ATTACH)) {
            img.write(3 << 20, ByteBuffer.wrap(new byte[200_000]));
        }
        QemuImg.assertClean(p);
        QemuImg.io("-c", "write -P 0x11 40M 64k", p.toString()).ok();
        QemuImg.assertClean(p);
        assertThat(DamagedImages.dataIntact(p)).isTrue();
    }

    @Test
    void damagedMappingIsRefusedAndNothingChanges() throws Exception {
        Path p = DamagedImages.make(dir.resolve("img.qcow2"), Damage.L2_ENTRY_PAST_END);
        byte[] before = Files.readAllBytes(p);
        assertThatThrownBy(() -> DiskImages.repair(p)).isInstanceOf(CorruptImageException.class)
                .hasMessageStartingWith(p + ": cannot repair: data cluster at 0x")
                .hasMessageContaining("past the end of the file")
                .hasMessageNotContaining("\n");
        assertThat(Files.readAllBytes(p)).isEqualTo(before);
    }

    @Test
    void aCleanImageIsLeftAsItIs() throws Exception {
        Path p = DamagedImages.healthy(dir.resolve("ok.qcow2"));
        byte[] before = Files.readAllBytes(p);
        RepairReport r = DiskImages.repair(p);
        assertThat(r.before().clean()).isTrue();
        assertThat(r.after().clean()).isTrue();
        assertThat(Files.readAllBytes(p)).isEqualTo(before);
    }

    @Test
    void theCorruptMarkQemuSetIsClearedOnceTheImageIsRepaired() throws Exception {
        Path p = DamagedImages.make(dir.resolve("marked.qcow2"), Damage.DATA_REFCOUNTS_ZEROED);
        DamagedImages.setIncompatibleFeatures(p, 2);
        assertThat(DiskImages.repair(p).after().clean()).isTrue();
        QemuImg.io("-c", "write -P 0x11 40M 64k", p.toString()).ok();
        DiskImages.open(p, false).close();
        QemuImg.assertClean(p);
    }

    @Test
    void aDirtyImageWhoseRefcountBlockSitsOnItsL1TableIsRebuiltNotOverwritten() throws Exception {
        // the dirty bit asks every opener to repair; an in-place repair would write refcounts into the L1 table
        Path p = DamagedImages.make(dir.resolve("dirty.qcow2"), Damage.REFCOUNT_BLOCK_ON_L1_TABLE);
        DamagedImages.setIncompatibleFeatures(p, 1);
        DiskImages.open(p, false).close();
        QemuImg.assertClean(p);
        assertThat(DamagedImages.dataIntact(p)).isTrue();
    }
}
