package dev.hyperlab.shell.commands.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.BackupInfo;
import dev.hyperlab.api.lab.FileBackupRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's JIT hint for a {@code backup files} line ({@link BackupFilesCommand#hint}): after a run that leaves
 * the next one light the file names that run's manifest; after one whose parent still left much to read, or without a
 * local manifest, it is gone.
 */
class BackupFilesHintTest {
    @TempDir
    Path tmp;

    private static FileBackupRun run(long newFiles, long changed, long unchanged, long bytesRead) {
        BackupInfo.Files f = new BackupInfo.Files(newFiles + changed + unchanged, 1, 0, bytesRead, newFiles, changed,
                unchanged);
        BackupInfo b = new BackupInfo("ab".repeat(32), "vm", "files", Duration.ZERO, List.of(), List.of(), bytesRead,
                0, false, List.of(), List.of("/srv"), "", f, "files");
        return new FileBackupRun(b, bytesRead, 0, 0, List.of());
    }

    @Test
    void aFirstOrLightBackupNamesItsManifestAndAHeavyIncrementalRemovesTheHint() throws Exception {
        Path manifest = Files.writeString(Files.createDirectories(tmp.resolve("repo/backups")).resolve("ab"), "m");
        Path hint = tmp.resolve("cache/hyperlab/light-backups/line");
        BackupFilesCommand.hint(hint, run(10, 0, 0, 600L << 20), manifest); // first: all new, however much it read
        assertThat(hint).hasContent(manifest.toString());
        BackupFilesCommand.hint(hint, run(0, 1, 9, 1L << 20), manifest); // light incremental
        assertThat(hint).hasContent(manifest.toString());
        BackupFilesCommand.hint(hint, run(0, 0, 10, 0), manifest); // unchanged
        assertThat(hint).exists();
        BackupFilesCommand.hint(hint, run(2, 8, 0, BackupFilesCommand.LIGHT_BYTES + 1), manifest); // much read, parent
        assertThat(hint).doesNotExist();
        BackupFilesCommand.hint(hint, run(1, 1, 8, BackupFilesCommand.LIGHT_BYTES), manifest); // at the limit
        assertThat(hint).exists();
        BackupFilesCommand.hint(hint, run(0, 0, 10, 0), null); // an object store: no local manifest
        assertThat(hint).doesNotExist();
        BackupFilesCommand.hint(hint, run(0, 0, 10, 0), tmp.resolve("repo/backups/gone")); // manifest not there
        assertThat(hint).doesNotExist();
    }

    @Test
    void aHintThatCannotBeWrittenIsIgnored() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        BackupFilesCommand.hint(file.resolve("below/line"), run(10, 0, 0, 0), file); // its parent is a file
        assertThat(file.resolve("below/line")).doesNotExist();
    }
}
