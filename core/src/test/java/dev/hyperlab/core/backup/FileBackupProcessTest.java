package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hyperlab.core.hostfs.HostFs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * File backups run in a child process: killed with SIGKILL at seeded points of the backend's write sequence (check
 * stays clean, the next backup completes and restores what is there); without the right to read some files (skipped
 * with a warning, the rest backed up); and under the C locale, whose {@code sun.jnu.encoding} (ASCII) cannot turn
 * names that are not ASCII into Java strings and back (the names must still be backed up byte for byte).
 */
@Timeout(600)
class FileBackupProcessTest {
    @TempDir
    Path tmp;

    private Path tree(String name, int files, long seed) throws IOException {
        Path src = Files.createDirectories(tmp.resolve(name));
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < files; i++) {
            Path dir = Files.createDirectories(src.resolve("d" + i % 7));
            byte[] data = new byte[r.nextInt(1, 600_000)];
            r.nextBytes(data);
            Files.write(dir.resolve("f" + i), data);
        }
        return src;
    }

    @Test
    void killedFileBackupLeavesACleanRepositoryAndTheNextBackupCompletes() throws Exception {
        Path src = tree("src", 40, 11);
        List<String> expected = FileTrees.describe(src.toString());
        Path pristine = tmp.resolve("pristine");
        BackupRepository.init(pristine, Optional.empty());

        Path count = CrashTest.copyTree(pristine, tmp.resolve("count"));
        List<String> out = run(List.of(), Map.of(), "files", count.toString(), src.toString(), "5", "host1", "0");
        long total = out.stream().filter(l -> l.startsWith("STEPS ")).mapToLong(l -> Long.parseLong(l.substring(6)))
                .findFirst().orElseThrow();
        assertThat(total).isGreaterThan(10);
        for (long point : CrashTest.points(total, 1818)) {
            Path dir = CrashTest.copyTree(pristine, tmp.resolve("kill-" + point));
            CrashTest.killAt(point, "files", dir, src.toString());

            BackupRepository after = BackupRepository.open(dir, Optional.empty());
            assertThat(after.check(true).errors()).as("check after kill at step " + point).isEmpty();
            for (BackupInfo b : after.list()) { // the killed backup completed, or left nothing visible
                assertThat(restored(after, b.id(), "k" + point, src)).isEqualTo(expected);
            }
            FileBackupResult next = after.backupFiles("web1", List.of(src.toString()), "/", List.of(), 6, 6, false);
            assertThat(next.warnings()).isEmpty();
            assertThat(restored(after, next.backup().id(), "n" + point, src)).isEqualTo(expected);
            assertThat(after.check(true).errors()).isEmpty();
            CrashTest.deleteTree(dir);
        }
    }

    @Test
    void filesThatCannotBeReadAreSkippedWithAWarning() throws Exception {
        Path src = tree("src", 6, 3);
        Path secret = Files.writeString(src.resolve("secret"), "no");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        Path closed = Files.createDirectories(src.resolve("closed"));
        Files.writeString(closed.resolve("inside"), "hidden");
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("---------"));
        Path repo = tmp.resolve("repo");
        BackupRepository.init(repo, Optional.empty());
        // root reads everything: the child runs without the capabilities that bypass file permissions
        List<String> wrapper = FileBackupTest.root()
                ? List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all")
                : List.of();
        assumeTrue(wrapper.isEmpty() || Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv is missing");
        List<String> out = run(wrapper, Map.of(), "files", repo.toString(), src.toString(), "5", "host1", "0");
        assertThat(out).anyMatch(l -> l.startsWith("WARNING ") && l.contains("/secret: permission denied"));
        assertThat(out).anyMatch(l -> l.startsWith("WARNING ") && l.contains("/closed: permission denied"));
        String id = out.stream().filter(l -> l.startsWith("BACKUP ")).findFirst().orElseThrow().substring(7);

        BackupRepository r = BackupRepository.open(repo, Optional.empty());
        List<String> paths = r.listFiles(id, src.toString(), true).stream().map(FileListing::path).toList();
        assertThat(paths).contains(src + "/d0/f0", src + "/closed").doesNotContain(src + "/secret",
                src + "/closed/inside");
        assertThat(r.check(true).errors()).isEmpty();
    }

    @Test
    void namesThatAreNotAsciiSurviveTheCLocale() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("names"));
        Files.writeString(src.resolve("plain"), "x");
        try (HostFs fs = HostFs.open()) {
            int dir = fs.openDirectory(HostFs.CWD, src.toString().getBytes(StandardCharsets.UTF_8), "src");
            for (byte[] name : List.of("caf\u00e9".getBytes(StandardCharsets.UTF_8),
                    new byte[] {'x', (byte) 0x80, (byte) 0xc3}, "\u65e5\u672c".getBytes(StandardCharsets.UTF_8))) {
                int fd = fs.createFile(dir, name, 0644, "create");
                fs.write(fd, 0, name, 0, name.length, "write");
                fs.close(fd);
            }
            fs.close(dir);
        }
        List<String> expected = FileTrees.describe(src.toString());
        Path repo = tmp.resolve("repo");
        BackupRepository.init(repo, Optional.empty());
        List<String> out = run(List.of(), Map.of("LC_ALL", "C", "LANG", "C"), "files", repo.toString(),
                src.toString(), "5", "host1", "0");
        assertThat(out).noneMatch(l -> l.startsWith("WARNING"));
        String id = out.stream().filter(l -> l.startsWith("BACKUP ")).findFirst().orElseThrow().substring(7);
        assertThat(restored(BackupRepository.open(repo, Optional.empty()), id, "c", src)).isEqualTo(expected);
    }

    private List<String> restored(BackupRepository repo, String id, String tag, Path src) throws IOException {
        Path target = tmp.resolve("restore-" + tag + "-" + id.substring(0, 8));
        FileRestoreResult r = repo.restoreFiles(id, target.toString(), List.of(), false);
        assertThat(r.complete()).isTrue();
        return FileTrees.describe(target + src.toString());
    }

    private static List<String> run(List<String> wrapper, Map<String, String> env, String... args) throws Exception {
        Process p = RepoChild.start(wrapper, env, args);
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
            }
        }
        assertThat(p.waitFor()).as(String.join("\n", lines)).isZero();
        return lines;
    }
}
