package dev.hyperlab.core.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.QemuImg;
import dev.hyperlab.core.storage.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FAT12, FAT16 and FAT32 images that dosfstools' mkfs.fat formats and mtools' {@code mcopy -s -m} fills from a
 * directory are read back: names (long names, Unicode, 8.3), sizes, bytes and modification times (FAT keeps them to 2
 * seconds, in local time: mtools runs with TZ=UTC).
 */
class FatReaderTest {
    @TempDir Path dir;

    private Path fat(Path source, int bits, long kib, String... extra) throws Exception {
        Path raw = dir.resolve("fat" + bits + ".raw");
        List<String> args = new java.util.ArrayList<>(List.of("-C", "-F", String.valueOf(bits), "-n", "HYPERLAB"));
        args.addAll(List.of(extra));
        args.addAll(List.of(raw.toString(), String.valueOf(kib)));
        QemuImg.tool("mkfs.fat", args.toArray(String[]::new)).ok();
        copyIn(raw.toString(), source);
        return raw;
    }

    /** mcopy -s -m of every entry of {@code source} into the root of the FAT at {@code target} (mtools' -i form). */
    static void copyIn(String target, Path source) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("mcopy", "-s", "-m", "-Q", "-i", target));
        try (var s = Files.list(source)) {
            s.sorted().forEach(p -> cmd.add(p.toString()));
        }
        cmd.add("::/");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("TZ", "UTC");
        pb.environment().put("MTOOLS_SKIP_CHECK", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    /** A small tree for FAT12, which holds at most 4,084 clusters. */
    static void small(Path root) throws Exception {
        Files.write(root.resolve("README.TXT"), "short name\n".getBytes());
        Files.write(root.resolve("lower.txt"), "lower case 8.3\n".getBytes());
        Files.write(root.resolve(SourceTree.LONG_NAME), TestData.mixed(1, 5000));
        Files.write(root.resolve(SourceTree.UNICODE_NAME), "hello\n".getBytes());
        Path deep = root;
        for (int i = 0; i < 10; i++) deep = Files.createDirectories(deep.resolve("Level " + i));
        Files.write(deep.resolve("bottom"), TestData.mixed(2, 70_000));
        try (var all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) Files.setLastModifiedTime(p, FileTime.fromMillis(1_600_000_000_000L));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {12, 16, 32})
    void everyEntryReadsBackAsItWasPut(int bits) throws Exception {
        QemuImg.requireTool("mkfs.fat");
        QemuImg.requireTool("mcopy");
        Path source = Files.createDirectories(dir.resolve("src"));
        long kib;
        if (bits == 12) {
            small(source);
            kib = 4096;
        } else {
            SourceTree.common(source, 300);
            kib = bits == 16 ? 48 * 1024 : 64 * 1024;
        }
        Path raw = bits == 32 ? fat(source, bits, kib, "-s", "1") : fat(source, bits, kib);
        try (DiskImage img = DiskImages.open(raw, true)) {
            FileSystem fs = FileSystems.open(img, 0);
            assertThat(fs.type()).isEqualTo("fat" + bits);
            assertThat(fs.label()).isEqualTo("HYPERLAB");
            TreeComparison.assertSame(source, fs, false);
        }
    }

    @Test
    void namesMatchWithoutRegardToCase() throws Exception {
        Path source = Files.createDirectories(dir.resolve("src"));
        small(source);
        Path raw = fat(source, 16, 20 * 1024);
        try (DiskImage img = DiskImages.open(raw, true)) {
            FileSystem fs = FileSystems.open(img, 0);
            FsNode n = FsPaths.resolve(fs, FsPaths.split("readme.txt".getBytes()), false, "readme.txt").node();
            assertThat(new String(n.name(), StandardCharsets.UTF_8)).isEqualTo("README.TXT");
            assertThat(n.mode()).isEqualTo(0644);
        }
    }
}
