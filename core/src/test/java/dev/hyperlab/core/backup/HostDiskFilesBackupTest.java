package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.QemuImg;
import dev.hyperlab.core.storage.fs.FsException;
import dev.hyperlab.core.storage.fs.HostDiskFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * File backups of files inside a disk image ({@link HostDiskFiles}): an ext4 file system made by {@code mkfs.ext4 -d}
 * backs up and restores as the tree it was made of (hard links, a sparse file, a name with a newline), runs again
 * reading nothing, survives SIGKILL at seeded points, and a hostile image's names that are no file names (holding
 * {@code /} or NUL) are left out with a warning, never restored outside the target.
 */
@Timeout(600)
class HostDiskFilesBackupTest {
    @TempDir
    Path tmp;

    /** A tree under {@code data/}, whole-second times (mke2fs 1.47.0 keeps no nanoseconds). */
    private Path tree() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("tree"));
        Path data = Files.createDirectories(root.resolve("data/sub"));
        Files.writeString(data.resolve("a.txt"), "alpha\n");
        Files.createLink(data.resolve("a-link.txt"), data.resolve("a.txt"));
        Files.createSymbolicLink(data.resolve("to-a"), Path.of("a.txt"));
        Files.writeString(data.resolve("line\nbreak"), "newline in the name\n");
        Files.writeString(data.resolve("slashXname"), "hostile once patched\n");
        Files.writeString(data.resolve("nulXXname"), "hostile once patched\n");
        try (RandomAccessFile f = new RandomAccessFile(data.resolve("sparse").toFile(), "rw")) {
            f.seek(5 << 20);
            f.write(1);
        }
        byte[] big = new byte[3 << 20];
        new java.util.SplittableRandom(5).nextBytes(big);
        Files.write(root.resolve("data/big.bin"), big);
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted((x, y) -> y.getNameCount() - x.getNameCount()).toList()) {
                if (!Files.isSymbolicLink(p)) {
                    Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2022-02-03T04:05:06Z")));
                }
            }
        }
        return root;
    }

    private Path image(Path tree) throws Exception {
        QemuImg.requireTool("mkfs.ext4");
        Path raw = tmp.resolve("disk.raw");
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(64L << 20);
        }
        QemuImg.tool("mkfs.ext4", "-q", "-F", "-d", tree.toString(), raw.toString()).ok();
        return raw;
    }

    private static FileBackupResult backup(BackupRepository repo, Path raw, List<String> excludes) throws IOException {
        try (DiskImage disk = DiskImages.open(raw, true)) {
            return repo.backupFiles("pm1", HostDiskFiles.of(Map.of("disk0", disk)), List.of("/data"), excludes,
                    Map.of("kind", "host-files"), 7, false);
        }
    }

    private List<String> restored(BackupRepository repo, String id, String tag) throws IOException {
        Path target = tmp.resolve("restore-" + tag);
        FileRestoreResult r = repo.restoreFiles(id, target.toString(), List.of(), false);
        assertThat(r.complete()).isTrue();
        return FileTrees.describe(target + "/data");
    }

    @Test
    void anExt4ImageBacksUpRestoresAsItsTreeAndRunsAgainReadingNothing() throws Exception {
        Path tree = tree();
        Path raw = image(tree);
        Path dir = tmp.resolve("repo");
        BackupRepository.init(dir, Optional.empty());
        BackupRepository repo = BackupRepository.open(dir, Optional.empty());
        FileBackupResult first = backup(repo, raw, List.of());
        assertThat(first.warnings()).isEmpty();
        assertThat(first.backup().files().newFiles()).isEqualTo(7);
        assertThat(restored(repo, first.backup().id(), "1")).isEqualTo(FileTrees.describe(tree + "/data"));

        FileBackupResult second = backup(repo, raw, List.of());
        assertThat(second.bytesRead()).isZero();
        assertThat(second.backup().files().unchangedFiles()).isEqualTo(7);
        assertThat(second.backup().parents()).containsExactly(first.backup().id());
        assertThat(repo.check(true).errors()).isEmpty();
    }

    @Test
    void namesThatAreNoFileNamesAreLeftOutAndNothingLeavesTheTarget() throws Exception {
        Path tree = tree();
        Path raw = image(tree);
        patchName(raw, "slashXname", "slash/name");
        patchName(raw, "nulXXname", "nul\0\0name");
        Path dir = tmp.resolve("repo");
        BackupRepository.init(dir, Optional.empty());
        BackupRepository repo = BackupRepository.open(dir, Optional.empty());
        List<String> warnings;
        FileBackupResult r;
        try (DiskImage disk = DiskImages.open(raw, true)) {
            HostDiskFiles files = HostDiskFiles.of(Map.of("disk0", disk));
            r = repo.backupFiles("pm1", files, List.of("/data"), List.of(), Map.of("kind", "host-files"), 7, false);
            warnings = files.warnings();
        }
        assertThat(warnings).hasSize(2).allMatch(w -> w.contains("in the host's disk image; left out"));
        assertThat(warnings).anyMatch(w -> w.contains("a name holding /"))
                .anyMatch(w -> w.contains("a name holding NUL"));
        assertThat(r.backup().files().files()).isEqualTo(5);
        Path target = tmp.resolve("restore");
        repo.restoreFiles(r.backup().id(), target.toString(), List.of(), false);
        try (Stream<Path> all = Files.walk(tmp)) {
            assertThat(all.filter(p -> p.getFileName().toString().contains("name") && !p.startsWith(tree))
                    .toList()).isEmpty();
        }
    }

    @Test
    void aDamagedImageIsRefusedWithOneLine() throws Exception {
        Path raw = image(tree());
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.seek(1024 + 0x18); // s_log_block_size: a block of 2^(10 + 40) bytes
            f.write(40);
        }
        Path dir = tmp.resolve("repo");
        BackupRepository.init(dir, Optional.empty());
        BackupRepository repo = BackupRepository.open(dir, Optional.empty());
        assertThatThrownBy(() -> backup(repo, raw, List.of())).isInstanceOf(FsException.class)
                .hasMessageContaining("block size").hasMessageNotContaining("\n");
        assertThat(repo.list()).isEmpty();
    }

    @Test
    void killedBackupOfAnImageLeavesACleanRepositoryAndTheNextOneCompletes() throws Exception {
        Path tree = tree();
        Path raw = image(tree);
        List<String> expected = FileTrees.describe(tree + "/data");
        Path pristine = tmp.resolve("pristine");
        BackupRepository.init(pristine, Optional.empty());
        Path count = CrashTest.copyTree(pristine, tmp.resolve("count"));
        long total = 0;
        Process p = RepoChild.start("hostfiles", count.toString(), raw.toString(), "5", "pm1", "0");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("STEPS ")) {
                    total = Long.parseLong(line.substring(6));
                }
            }
        }
        assertThat(p.waitFor()).isZero();
        assertThat(total).isGreaterThan(3);
        for (long point : CrashTest.points(total, 1818)) {
            Path dir = CrashTest.copyTree(pristine, tmp.resolve("kill-" + point));
            CrashTest.killAt(point, "hostfiles", dir, raw.toString());
            BackupRepository after = BackupRepository.open(dir, Optional.empty());
            assertThat(after.check(true).errors()).as("check after kill at step " + point).isEmpty();
            for (BackupInfo b : after.list()) {
                assertThat(restored(after, b.id(), "k" + point)).isEqualTo(expected);
            }
            FileBackupResult next = backup(after, raw, List.of());
            assertThat(restored(after, next.backup().id(), "n" + point)).isEqualTo(expected);
            assertThat(after.check(true).errors()).isEmpty();
            CrashTest.deleteTree(dir);
        }
    }

    /** Rewrites the one directory entry called {@code from} (same length) to {@code to}, as a hostile image might. */
    private static void patchName(Path raw, String from, String to) throws IOException {
        byte[] want = from.getBytes(StandardCharsets.US_ASCII);
        List<Long> hits = new ArrayList<>();
        byte[] all = Files.readAllBytes(raw);
        for (int i = 8; i + want.length <= all.length; i++) {
            if ((all[i - 2] & 0xff) == want.length && Arrays.equals(all, i, i + want.length, want, 0, want.length)) {
                hits.add((long) i);
            }
        }
        assertThat(hits).hasSize(1);
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.seek(hits.getFirst());
            f.write(to.getBytes(StandardCharsets.ISO_8859_1));
        }
    }
}
