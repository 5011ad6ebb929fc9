package dev.hyperlab.core.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.QemuImg;
import dev.hyperlab.core.storage.TestData;
import dev.hyperlab.core.storage.layout.BootDiskLayout;
import dev.hyperlab.core.storage.layout.BootLayoutSpec;
import dev.hyperlab.core.storage.raw.RawImage;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File systems in partitions: a GPT disk (sgdisk) with a FAT16 ESP and an ext4 root, read from its qcow2 conversion;
 * an MBR disk (sfdisk); the ESP hyperlab itself writes for a UEFI boot disk; and the one-line refusals.
 */
class PartitionedDiskTest {
    @TempDir Path dir;

    private Path sized(String name, long bytes) throws Exception {
        Path raw = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return raw;
    }

    @Test
    void aGptDiskInQcow2HoldsAnEspAndAnExt4Root() throws Exception {
        QemuImg.require();
        for (String t : new String[] {"sgdisk", "mkfs.ext4", "mkfs.fat", "mcopy"}) QemuImg.requireTool(t);
        Path fatSource = Files.createDirectories(dir.resolve("esp"));
        FatReaderTest.small(fatSource);
        Path extSource = Files.createDirectories(dir.resolve("root"));
        Files.write(extSource.resolve("hello.txt"), "hello from ext4\n".getBytes());
        Files.write(Files.createDirectories(extSource.resolve("etc")).resolve("data.bin"), TestData.mixed(3, 200_000));
        Path raw = sized("gpt.raw", 160L << 20);
        QemuImg.tool("sgdisk", "-n", "1:2048:+32M", "-t", "1:ef00", "-n", "2:0:0", "-t", "2:8300", raw.toString()).ok();
        long rootStart = 2048 + 32 * 2048;
        QemuImg.tool("mkfs.fat", "--offset=2048", "-F", "16", "-n", "ESP", raw.toString(), String.valueOf(32 * 1024)).ok();
        FatReaderTest.copyIn(raw + "@@" + 2048 * 512, fatSource);
        QemuImg.tool("mkfs.ext4", "-q", "-F", "-d", extSource.toString(), "-E", "offset=" + rootStart * 512, raw.toString(),
                "100M").ok();
        Path qcow2 = dir.resolve("gpt.qcow2");
        QemuImg.img("convert", "-O", "qcow2", raw.toString(), qcow2.toString()).ok();
        try (DiskImage img = DiskImages.open(qcow2, true)) {
            assertThat(FileSystems.partitions(img)).extracting(FileSystems.Partition::number).containsExactly(1, 2);
            FileSystem esp = FileSystems.open(img, 0); // the first partition holding a file system
            assertThat(esp.type()).isEqualTo("fat16");
            TreeComparison.assertSame(fatSource, esp, false);
            FileSystem root = FileSystems.open(img, 2);
            assertThat(root.type()).isEqualTo("ext4");
            TreeComparison.assertSame(extSource, root, true, "lost+found");
            assertThatThrownBy(() -> FileSystems.open(img, 3)).isInstanceOfSatisfying(FsException.class,
                    e -> assertThat(e.reason()).isEqualTo(FsException.Reason.NO_PARTITION))
                    .hasMessage(qcow2 + ": no partition 3 (the disk has partitions 1, 2)");
        }
    }

    @Test
    void anMbrDiskHoldsAnExt4Partition() throws Exception {
        for (String t : new String[] {"sfdisk", "mkfs.ext4"}) QemuImg.requireTool(t);
        Path source = Files.createDirectories(dir.resolve("src"));
        Files.write(source.resolve("motd"), "welcome\n".getBytes());
        Path raw = sized("mbr.raw", 64L << 20);
        Process p = new ProcessBuilder(Files.isExecutable(Path.of("/usr/sbin/sfdisk")) ? "/usr/sbin/sfdisk" : "sfdisk", "-q",
                raw.toString()).redirectErrorStream(true).start();
        p.getOutputStream().write("start=4096, type=83\n".getBytes());
        p.getOutputStream().close();
        assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
        QemuImg.tool("mkfs.ext4", "-q", "-F", "-d", source.toString(), "-E", "offset=" + 4096 * 512, raw.toString(), "60M").ok();
        try (DiskImage img = DiskImages.open(raw, true)) {
            FileSystem fs = FileSystems.open(img, 1);
            TreeComparison.assertSame(source, fs, true, "lost+found");
            assertThat(FileSystems.open(img, 0).type()).isEqualTo("ext4");
        }
    }

    @Test
    void theEspHyperlabWritesReadsBack() throws Exception {
        byte[] loader = TestData.mixed(5, 300_000);
        try (RawImage img = RawImage.create(dir.resolve("uefi.raw"), 256L << 20)) {
            BootDiskLayout.write(img, new BootLayoutSpec.Uefi(loader, 64L << 20, 42));
            FileSystem fs = FileSystems.open(img, 0);
            assertThat(fs.type()).isEqualTo("fat16");
            FsNode efi = FsPaths.resolve(fs, FsPaths.split("/EFI/BOOT/BOOTX64.EFI".getBytes()), true, "x").node();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            fs.read(efi, (offset, bytes) -> {
                assertThat(offset).isEqualTo(got.size());
                byte[] b = new byte[bytes.remaining()];
                bytes.get(b);
                got.write(b);
            });
            assertThat(got.toByteArray()).isEqualTo(loader);
            assertThatThrownBy(() -> FileSystems.open(img, 2)).isInstanceOfSatisfying(FsException.class,
                    e -> assertThat(e.reason()).isEqualTo(FsException.Reason.UNKNOWN_FILE_SYSTEM))
                    .hasMessageEndingWith("no file system hyperlab reads (ext2/3/4, FAT) on partition 2");
        }
    }

    @Test
    void aBlankDiskHoldsNoFileSystem() throws Exception {
        try (RawImage img = RawImage.create(dir.resolve("blank.raw"), 8L << 20)) {
            assertThatThrownBy(() -> FileSystems.open(img, 0)).isInstanceOfSatisfying(FsException.class,
                    e -> assertThat(e.reason()).isEqualTo(FsException.Reason.UNKNOWN_FILE_SYSTEM))
                    .hasMessageEndingWith("no file system hyperlab reads (ext2/3/4, FAT) on the disk");
            assertThatThrownBy(() -> FileSystems.open(img, 1)).hasMessageEndingWith("no partition 1 (the disk has no partition table)");
        }
    }
}
