package dev.hyperlab.core.backup;

import dev.hyperlab.core.storage.raw.RawImage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.spi.BackupContext;
import dev.hyperlab.api.spi.BackupStrategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruneTest {
    @TempDir
    Path tmp;

    @Test
    void keepsTheNewestPerMachineRemovesUnreferencedBlobsAndRepacks() throws IOException {
        Path a = TestDisks.make(tmp.resolve("a.raw"), 32 * TestDisks.MiB, 30, 11);
        Path b = TestDisks.make(tmp.resolve("b.raw"), 16 * TestDisks.MiB, 10, 12);
        Path dir = tmp.resolve("repo");
        BackupRepository repo = BackupRepository.init(dir, Optional.empty()).packTarget(1 << 20);
        Map<String, String> sha = new HashMap<>();
        for (int day = 1; day <= 4; day++) {
            try (RawImage img = RawImage.open(a, false)) {
                TestDisks.mutate(img, 10, 65536, day);
            }
            sha.put(repo.run(new DedupStrategy(), TestDisks.source("a", a, day)).id(), TestDisks.sha256(a));
        }
        BackupResult onlyB = repo.run(new FullStrategy(), TestDisks.source("b", b, 1));
        sha.put(onlyB.id(), TestDisks.sha256(b));
        long before = size(dir);

        PruneResult r = repo.prune(2);
        assertThat(r.removedBackups()).hasSize(2);
        assertThat(r.keptBackups()).isEqualTo(3);
        assertThat(r.blobsRemoved()).isPositive();
        assertThat(r.packsRemoved()).isPositive();
        assertThat(r.bytesFreed()).isPositive();
        assertThat(size(dir)).isLessThan(before);
        assertThat(RepoFiles.under(dir, "index")).hasSize(1);
        assertThat(repo.list()).extracting(BackupInfo::labTime).containsExactly(1L, 3L, 4L);

        BackupCheckReport check = repo.check(true);
        assertThat(check.errors()).isEmpty();
        assertThat(check.notes()).isEmpty();
        for (BackupInfo info : repo.list()) {
            Path out = tmp.resolve(info.id() + ".raw");
            assertThat(repo.restore(info.id(), "vda", out).complete()).isTrue();
            assertThat(TestDisks.sha256(out)).isEqualTo(sha.get(info.id()));
        }
        // nothing left to do the second time
        PruneResult again = repo.prune(2);
        assertThat(again.removedBackups()).isEmpty();
        assertThat(again.blobsRemoved()).isZero();
    }

    /**
     * restic forget ID: the backups named go, a damaged one too (which prune alone refuses to touch), and with prune
     * their data goes as well; a bad id changes nothing.
     */
    @Test
    void forgetDropsTheBackupsNamedDamagedOnesTooAndPruneRemovesTheirData() throws IOException {
        Path a = TestDisks.make(tmp.resolve("a.raw"), 16 * TestDisks.MiB, 20, 21);
        Path dir = tmp.resolve("repo");
        BackupRepository repo = BackupRepository.init(dir, Optional.empty()).packTarget(1 << 20);
        java.util.List<String> ids = new java.util.ArrayList<>();
        Map<String, String> sha = new HashMap<>();
        for (int day = 1; day <= 3; day++) {
            try (RawImage img = RawImage.open(a, false)) {
                TestDisks.mutate(img, 40, 65536, day);
            }
            String id = repo.run(new DedupStrategy(), TestDisks.source("a", a, day)).id();
            ids.add(id);
            sha.put(id, TestDisks.sha256(a));
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> repo.forget(java.util.List.of(ids.get(0), "ffff"),
                false)).hasMessageContaining("no backup ffff");
        assertThat(repo.list()).hasSize(3);

        long before = size(dir);
        java.util.List<Path> packs = RepoFiles.under(dir, "data");
        PruneResult kept = repo.forget(java.util.List.of(ids.get(0).substring(0, 6)), false);
        assertThat(kept.removedBackups()).containsExactly(ids.get(0));
        assertThat(kept.keptBackups()).isEqualTo(2);
        assertThat(kept.blobsRemoved()).isZero();
        assertThat(RepoFiles.under(dir, "data")).as("the data stays until a prune").isEqualTo(packs);

        // the newest manifest damaged: prune refuses, forget of exactly that backup is the way out
        Path damaged = dir.resolve("backups").resolve(ids.get(2));
        Files.writeString(damaged, "{not json");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> repo.prune(5)).hasMessageContaining("prune refused");
        PruneResult pruned = repo.forget(java.util.List.of(ids.get(2)), true);
        assertThat(pruned.removedBackups()).containsExactly(ids.get(2));
        assertThat(pruned.keptBackups()).isEqualTo(1);
        assertThat(pruned.blobsRemoved()).isPositive();
        assertThat(size(dir)).isLessThan(before);
        assertThat(repo.list()).extracting(BackupInfo::id).containsExactly(ids.get(1));
        BackupCheckReport check = repo.check(true);
        assertThat(check.errors()).isEmpty();
        Path out = tmp.resolve("day2.raw");
        assertThat(repo.restore(ids.get(1), "vda", out).complete()).isTrue();
        assertThat(TestDisks.sha256(out)).isEqualTo(sha.get(ids.get(1)));
    }

    @Test
    void leftoversOfAFailedBackupAreNotedByCheckAndRemovedByPrune() throws IOException {
        // far more changed 4 MiB chunks than the pipeline holds in flight (its buffers and workers): by the time the
        // strategy fails, the first ones are surely compressed and in packs, which no index lists then
        Path a = TestDisks.make(tmp.resolve("a.raw"), 96 * TestDisks.MiB, 30, 13);
        Path dir = tmp.resolve("repo");
        BackupRepository repo = BackupRepository.init(dir, Optional.empty()).packTarget(1 << 20);
        BackupResult kept = repo.run(new FullStrategy(), TestDisks.source("a", a, 1));
        try (RawImage img = RawImage.open(a, false)) {
            TestDisks.mutate(img, 240, 65536, 5);
        }
        BackupStrategy failsLate = new BackupStrategy() {
            @Override
            public String id() {
                return "fails-late";
            }

            @Override
            public String description() {
                return "a test strategy";
            }

            @Override
            public void backup(BackupContext context) throws IOException {
                new FullStrategy().backup(context);
                throw new IOException("simulated failure after storing the data");
            }
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> repo.run(failsLate, TestDisks.source("a", a, 2)))
                .hasMessageContaining("simulated failure");
        BackupCheckReport check = repo.check(true);
        assertThat(check.ok()).isTrue();
        assertThat(check.notes()).anyMatch(n -> n.contains("listed by no index file"));

        repo.prune(5);
        BackupCheckReport after = repo.check(true);
        assertThat(after.ok()).isTrue();
        assertThat(after.notes()).isEmpty();
        assertThat(repo.list()).extracting(BackupInfo::id).containsExactly(kept.id());
    }

    private static long size(Path dir) throws IOException {
        long total = 0;
        for (Path p : RepoFiles.all(dir)) {
            total += Files.size(p);
        }
        return total;
    }
}
