package dev.hyperlab.core.storage.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.ImageFormat;
import dev.hyperlab.core.storage.QemuImg;
import dev.hyperlab.core.storage.qcow2.Qcow2CreateOptions;
import dev.hyperlab.core.storage.qcow2.Qcow2Image;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Boot layouts are real: partitioning tools, fsck.fat and mtools accept them, and the probe reads them back. */
class BootDiskLayoutTest {
    @TempDir Path dir;

    private static byte[] loader(int size) {
        byte[] b = new byte[size];
        new SplittableRandom(size).nextBytes(b);
        b[0] = 'M';
        b[1] = 'Z';
        return b;
    }

    @Test
    void blankDiskIsNotBootable() throws Exception {
        try (DiskImage d = DiskImages.create(dir.resolve("blank.qcow2"), ImageFormat.QCOW2, 64 << 20)) {
            BootDiskProbe.Report r = BootDiskProbe.probe(d);
            assertThat(r.bootable()).isEqualTo(BootDiskProbe.Bootable.NONE);
            assertThat(r.mbrSignature()).isFalse();
        }
    }

    @Test
    void uefiLayoutPassesRealToolsAndProbesBack() throws Exception {
        QemuImg.require();
        for (String t : new String[] {"sgdisk", "sfdisk", "fsck.fat", "mtype"}) QemuImg.requireTool(t);
        byte[] efi = loader(300_001);
        Path q = dir.resolve("uefi.qcow2");
        BootDiskLayout.Written w;
        try (Qcow2Image d = Qcow2Image.create(q, Qcow2CreateOptions.ofSize(256L << 20))) {
            w = BootDiskLayout.write(d, new BootLayoutSpec.Uefi(efi, 64L << 20, 42));
            BootDiskProbe.Report r = BootDiskProbe.probe(d);
            assertThat(r.bootable()).isEqualTo(BootDiskProbe.Bootable.UEFI);
            assertThat(r.problems()).isEmpty();
            assertThat(r.esp()).get().extracting(BootDiskProbe.GptPartition::firstLba).isEqualTo(2048L);
            assertThat(r.uefiLoader()).get().isEqualTo(efi);
        }
        QemuImg.assertClean(q);
        Path raw = dir.resolve("uefi.raw");
        QemuImg.img("convert", "-O", "raw", q.toString(), raw.toString()).ok();
        QemuImg.Result v = QemuImg.tool("sgdisk", "-v", raw.toString()).ok();
        assertThat(v.out()).contains("No problems found");
        QemuImg.Result p = QemuImg.tool("sfdisk", "--dump", raw.toString()).ok();
        assertThat(p.out()).contains("label: gpt", "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "start=        2048, size=      131072");
        assertThat(w.rootStartLba()).isEqualTo(2048 + 131072);

        byte[] disk = Files.readAllBytes(raw);
        Path esp = dir.resolve("esp.img");
        Files.write(esp, java.util.Arrays.copyOfRange(disk, 2048 * 512, (2048 + 131072) * 512));
        QemuImg.Result fsck = QemuImg.tool("fsck.fat", "-n", esp.toString());
        assertThat(fsck.exit()).as(fsck.out() + fsck.err()).isZero();
        Path out = dir.resolve("got.efi");
        QemuImg.Result m = QemuImg.tool("mcopy", "-n", "-i", esp.toString(), "::/EFI/BOOT/BOOTX64.EFI", out.toString());
        assertThat(m.exit()).as(m.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(efi);

        // a damaged primary GPT header falls back to the backup
        try (Qcow2Image d = DiskImages.openQcow2(q, false)) {
            d.write(512 + 20, ByteBuffer.wrap(new byte[] {1}));
            BootDiskProbe.Report r = BootDiskProbe.probe(d);
            assertThat(r.problems()).singleElement().asString().contains("CRC32");
            assertThat(r.bootable()).isEqualTo(BootDiskProbe.Bootable.UEFI);
        }
    }

    @Test
    void biosLayoutPassesSfdiskAndProbesBack() throws Exception {
        QemuImg.requireTool("sfdisk");
        Path raw = dir.resolve("bios.raw");
        byte[] stage2 = loader(20_000);
        try (DiskImage d = DiskImages.create(raw, ImageFormat.RAW, 32L << 20)) {
            BootDiskLayout.write(d, new BootLayoutSpec.Bios(new byte[0], stage2, 0x83, 0x1234abcd));
            BootDiskProbe.Report r = BootDiskProbe.probe(d);
            assertThat(r.bootable()).isEqualTo(BootDiskProbe.Bootable.BIOS);
            assertThat(r.mbrPartitions()).singleElement().satisfies(p -> {
                assertThat(p.active()).isTrue();
                assertThat(p.type()).isEqualTo(0x83);
                assertThat(p.firstLba()).isEqualTo(2048);
            });
        }
        QemuImg.Result p = QemuImg.tool("sfdisk", "--dump", raw.toString()).ok();
        assertThat(p.out()).contains("label: dos", "label-id: 0x1234abcd", "start=        2048", "type=83, bootable");
        byte[] disk = Files.readAllBytes(raw);
        assertThat(java.util.Arrays.copyOfRange(disk, 512, 512 + stage2.length)).isEqualTo(stage2);
    }

    @Test
    void aLoaderThatClaimsGigabytesInALoopingChainIsRefusedBeforeItIsRead() throws Exception {
        long sectors = 64L * 65_000; // near the largest FAT16 (65,524 clusters of 32 KiB): 1.98 GiB
        try (DiskImage d = DiskImages.create(dir.resolve("esp.raw"), ImageFormat.RAW, sectors * 512)) {
            Fat16Formatter.format(d, 0, sectors, loader(70_000), 7);
            ByteBuffer bpb = ByteBuffer.allocate(512).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            d.read(0, bpb);
            int clusterBytes = (bpb.get(13) & 0xff) * 512;
            long fatAt = (bpb.getShort(14) & 0xffff) * 512L;
            long dataAt = fatAt + 2L * (bpb.getShort(22) & 0xffff) * 512 + (bpb.getShort(17) & 0xffff) * 32L;
            // BOOTX64.EFI (cluster 4, the third entry of the BOOT directory in cluster 3) says 1.5 GiB, and its
            // first cluster's FAT entry points to itself: a chain that never ends within the file's size
            d.write(dataAt + clusterBytes + 64 + 28, ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putInt(0, 0x6000_0000));
            d.write(fatAt + 4 * 2, ByteBuffer.allocate(2).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putShort(0, (short) 4));

            assertThatThrownBy(() -> dev.hyperlab.core.storage.fs.FileSystems.readFatFile(d, 0, d.virtualSize(),
                    BootDiskProbe.UEFI_FALLBACK_LOADER, 64L << 20))
                    .isInstanceOf(dev.hyperlab.core.storage.ImageException.class)
                    .hasMessageContaining("of 1610612736 bytes is larger than 67108864 bytes");
        }
    }
}
