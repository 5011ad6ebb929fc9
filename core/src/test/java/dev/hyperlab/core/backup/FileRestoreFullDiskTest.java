package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file restore that fills its disk: the files written whole get their permissions and times, the others are left
 * 0600, and the error counts them. It left whole files 0600 (their permissions are set last), and files it had not
 * begun with their backed-up permissions (given at creation), empty. Needs a small tmpfs: root only.
 */
@Timeout(120)
class FileRestoreFullDiskTest {
    @TempDir
    Path tmp;

    @Test
    void aFullDiskLeavesWholeFilesWithTheirModeAndTheRest0600() throws Exception {
        Path small = Files.createDirectories(tmp.resolve("small"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", small.toString()) == 0, "mounting needs root");
        try {
            Path src = Files.createDirectories(tmp.resolve("src"));
            SplittableRandom random = new SplittableRandom(5);
            for (int i = 1; i <= 6; i++) {
                byte[] data = new byte[100_000];
                random.nextBytes(data);
                Path f = Files.write(src.resolve("f" + i), data);
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
                Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(1_600_000_000_000L));
            }
            BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty(), TestDisks.fastKdf(), 3);
            FileBackupResult b = repo.backupFiles("host1", List.of(src.toString()), "/", List.of(), 0,
                    1_700_000_000_000_000_000L, false);

            Path into = small.resolve("out");
            assertThatThrownBy(() -> repo.restoreFiles(b.backup().id(), into.toString(), List.of(), false))
                    .hasMessageContaining("no space left on device")
                    .hasMessageMatching(".*; \\d+ files? (was|were) left incomplete, with mode 0600 .*");
            List<Path> restored;
            try (Stream<Path> s = Files.walk(into.resolve(src.toString().substring(1)))) {
                restored = s.filter(Files::isRegularFile).sorted().toList();
            }
            assertThat(restored).isNotEmpty();
            int whole = 0;
            for (Path f : restored) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
                if (Files.size(f) == 100_000 && Files.getLastModifiedTime(f).toMillis() == 1_600_000_000_000L) {
                    assertThat(mode).as(f + " is whole").isEqualTo("rw-r--r--");
                    assertThat(Files.readAllBytes(f)).isEqualTo(Files.readAllBytes(src.resolve(f.getFileName())));
                    whole++;
                } else {
                    assertThat(mode).as(f + " is incomplete").isEqualTo("rw-------");
                }
            }
            assertThat(whole).isPositive();
        } finally {
            run("umount", small.toString());
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }
}
