package dev.hyperlab.core.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.BoundBy;
import dev.hyperlab.api.lab.TimelinePhase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real VM's backup rows: written and read back as timeline rows, torn and foreign lines skipped. */
class BackupLogTest {
    @TempDir
    Path dir;

    @Test
    void eachBackupIsABackupRowInLabTime() throws Exception {
        Path file = dir.resolve("timeline-backups.jsonl");
        long lab = 1_000_000_000L;
        BackupLog.append(file, new BackupLog.Span(lab + 2_000_000, lab + 2_500_000, "live, blockdev-backup"));
        // a line torn by a kill, a foreign one, and one that ends before it starts: skipped
        Files.writeString(file, "{\"start\": 5, \"end\": 3, \"step\": \"offline\"}\nnot json\n{\"start\": 1",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Files.writeString(file, "\n", StandardOpenOption.APPEND);
        BackupLog.append(file, new BackupLog.Span(lab + 7_000_000, lab + 7_250_000, "offline"));

        List<TimelinePhase> rows = BackupLog.phases("g1", BackupLog.read(file), lab);
        assertThat(rows).containsExactly(
                new TimelinePhase("g1", "backup", "live, blockdev-backup", Duration.ofSeconds(2),
                        Optional.of(Duration.ofMillis(2500)), BoundBy.DISK),
                new TimelinePhase("g1", "backup", "offline", Duration.ofSeconds(7),
                        Optional.of(Duration.ofMillis(7250)), BoundBy.DISK));
        assertThat(BackupLog.read(dir.resolve("none.jsonl"))).isEmpty();
    }
}
