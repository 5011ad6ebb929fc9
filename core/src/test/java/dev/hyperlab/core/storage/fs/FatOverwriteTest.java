package dev.hyperlab.core.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.QemuImg;
import dev.hyperlab.core.storage.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A file of a FAT12, FAT16 or FAT32 file system that mkfs.fat made and mcopy filled, rewritten in place by
 * {@link FileSystems#overwriteFatFile} (what {@code disk sign} does to an ESP's loader): grown past its clusters while
 * another file follows it, then cut short; dosfstools' fsck.fat finds nothing wrong after each, the file reads back as
 * written, and the files beside it are untouched.
 */
class FatOverwriteTest {
    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(ints = {12, 16, 32})
    void aFileGrowsAndShrinksInPlaceAndFsckFindsNothing(int bits) throws Exception {
        QemuImg.requireTool("mkfs.fat");
        QemuImg.requireTool("mcopy");
        QemuImg.requireTool("fsck.fat");
        Path src = Files.createDirectories(dir.resolve("src"));
        Path boot = Files.createDirectories(src.resolve("EFI/BOOT"));
        Files.write(boot.resolve("BOOTX64.EFI"), TestData.mixed(1, 3000));
        Files.write(boot.resolve("grub.cfg"), TestData.mixed(2, 9000)); // after the loader: growing cannot be in a row
        Files.write(src.resolve("other.bin"), TestData.mixed(3, 20_000));
        Path raw = dir.resolve("esp.raw");
        long kib = bits == 12 ? 4096 : bits == 16 ? 48 * 1024 : 64 * 1024;
        QemuImg.tool("mkfs.fat", "-C", "-F", String.valueOf(bits), "-s", bits == 32 ? "1" : "4", "-n", "ESP",
                raw.toString(), String.valueOf(kib)).ok();
        FatReaderTest.copyIn(raw.toString(), src);

        for (byte[] content : List.of(TestData.mixed(4, 20_000), TestData.mixed(5, 100), new byte[0],
                TestData.mixed(6, 5000))) {
            try (DiskImage img = DiskImages.open(raw, false)) {
                FileSystems.overwriteFatFile(img, 0, img.virtualSize(), "\\EFI\\BOOT\\BOOTX64.EFI", content);
            }
            QemuImg.tool("fsck.fat", "-n", raw.toString()).ok();
            try (DiskImage img = DiskImages.open(raw, true)) {
                assertThat(FileSystems.readFatFile(img, 0, img.virtualSize(), "/EFI/BOOT/BOOTX64.EFI", 1 << 20))
                        .hasValueSatisfying(b -> assertThat(b).isEqualTo(content));
                assertThat(FileSystems.readFatFile(img, 0, img.virtualSize(), "/EFI/BOOT/grub.cfg", 1 << 20))
                        .hasValueSatisfying(b -> assertThat(b).isEqualTo(TestData.mixed(2, 9000)));
                assertThat(FileSystems.readFatFile(img, 0, img.virtualSize(), "/other.bin", 1 << 20))
                        .hasValueSatisfying(b -> assertThat(b).isEqualTo(TestData.mixed(3, 20_000)));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {16})
    void aFileThatDoesNotFitOrIsNotThereChangesNothing(int bits) throws Exception {
        QemuImg.requireTool("mkfs.fat");
        QemuImg.requireTool("mcopy");
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.write(src.resolve("a.bin"), TestData.mixed(1, 3000));
        Path raw = dir.resolve("esp.raw");
        QemuImg.tool("mkfs.fat", "-C", "-F", String.valueOf(bits), "-n", "ESP", raw.toString(), "16384").ok();
        FatReaderTest.copyIn(raw.toString(), src);
        byte[] before = Files.readAllBytes(raw);
        try (DiskImage img = DiskImages.open(raw, false)) {
            assertThatThrownBy(() -> FileSystems.overwriteFatFile(img, 0, img.virtualSize(), "/a.bin",
                    new byte[20 << 20])).isInstanceOf(FsException.class).hasMessageContaining("no room");
            assertThatThrownBy(() -> FileSystems.overwriteFatFile(img, 0, img.virtualSize(), "/b.bin", new byte[1]))
                    .isInstanceOf(FsException.class).hasMessageContaining("no such");
        }
        assertThat(Files.readAllBytes(raw)).isEqualTo(before);
    }
}
