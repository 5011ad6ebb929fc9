package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The floor the user bench prints beside the full backup (issue 15) is measured on the backup's own work: the same
 * non-zero 4 MiB cells, each compressed at the level the backup picks for it, so its bytes are the bytes the backup adds.
 */
class CompressionFloorTest {
    @TempDir
    Path tmp;

    @Test
    void measuresTheCellsAndLevelsAFullBackupStores() throws Exception {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 48 * TestDisks.MiB, 30, 17);
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty(), TestDisks.fastKdf(), 3);
        BackupResult r = repo.run(new FullStrategy(), TestDisks.source("web1", disk, 1));

        CompressionFloor.Result f = CompressionFloor.measure(disk, 3);
        assertThat(f.levels()).containsExactly(3, 2, 1);
        assertThat(f.cells()).isPositive();
        assertThat(f.bytes()).isEqualTo(f.cells() * BackupPipeline.MAX_CHUNK); // whole cells: 48 MiB is 12 of them
        // the backup adds the chosen compressions plus its map page and pack headers; no blob is stored twice here
        long metadata = r.backup().bytesAdded() - f.usedBytes();
        assertThat(metadata).isBetween(0L, 64L * 1024);
        // the chosen level of each cell lies between level 3's size and level 1's
        assertThat(f.usedBytes()).isBetween(f.levelBytes()[0], f.levelBytes()[2]);
        assertThat(f.line()).contains("used_cpu_s=", "level3_cpu_s=", "level1_cpu_s=", "sha256_cpu_s=");
    }
}
