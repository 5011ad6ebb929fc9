package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup repair index}: a lost or damaged index file is mended from the packs' headers without forgetting a
 * backup, and check tells that case (intact data, index to repair) from damaged backups.
 */
@Timeout(120)
class IndexRepairTest {
    @TempDir
    Path tmp;

    Path disk;
    Path dir;
    BackupRepository repo;
    BackupResult backup;

    @BeforeEach
    void setUp() throws IOException {
        disk = TestDisks.make(tmp.resolve("vda.raw"), 64 * TestDisks.MiB, 60, 71);
        dir = tmp.resolve("repo");
        repo = BackupRepository.init(dir, Optional.empty()).packTarget(2 << 20);
        backup = repo.run(new FullStrategy(), TestDisks.source("web1", disk, 1));
        assertThat(RepoFiles.under(dir, "data")).hasSizeGreaterThan(1);
        assertThat(RepoFiles.under(dir, "index")).hasSize(1);
    }

    @Test
    void aLostIndexFileIsNotADamagedBackupAndRepairListsItsPacksAgain() throws IOException {
        int packs = RepoFiles.under(dir, "data").size();
        Files.delete(RepoFiles.under(dir, "index").getFirst());

        BackupCheckReport check = repo.check(false);
        assertThat(check.ok()).isFalse();
        assertThat(check.indexNeedsRepair()).isTrue();
        assertThat(check.damagedBackups()).isEmpty(); // the advice must not be to forget it: its data is all there
        assertThat(check.errors()).singleElement().asString().contains("an index file is lost (the data is intact)");

        Path out = tmp.resolve("out.raw");
        RestoreResult restored = repo.restore(backup.id(), "vda", out);
        assertThat(restored.complete()).isTrue();
        assertThat(restored.warnings()).anyMatch(w -> w.contains("backup repair index"));
        assertThat(TestDisks.sha256(out)).isEqualTo(TestDisks.sha256(disk));

        List<Path> before = RepoFiles.all(dir);
        IndexRepairResult planned = repo.repairIndex(true);
        assertThat(RepoFiles.all(dir)).isEqualTo(before);
        assertThat(planned.packsAdded()).isEqualTo(packs);

        IndexRepairResult r = repo.repairIndex(false);
        assertThat(r).isEqualTo(planned);
        assertThat(r.packs()).isEqualTo(packs);
        assertThat(r.packsAdded()).isEqualTo(packs);
        assertThat(r.packsDropped()).isZero();
        assertThat(r.indexFilesReplaced()).isZero();
        assertThat(RepoFiles.under(dir, "index")).hasSize(1);

        BackupCheckReport after = repo.check(true);
        assertThat(after.errors()).isEmpty();
        assertThat(after.notes()).isEmpty();
        assertThat(after.indexNeedsRepair()).isFalse();
    }

    @Test
    void aDamagedIndexFileIsReplaced() throws IOException {
        Path index = RepoFiles.under(dir, "index").getFirst();
        try (FileChannel ch = FileChannel.open(index, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        BackupCheckReport check = repo.check(false);
        assertThat(check.indexNeedsRepair()).isTrue();
        assertThat(check.damagedBackups()).isEmpty();

        IndexRepairResult r = repo.repairIndex(false);
        assertThat(r.indexFilesReplaced()).isEqualTo(1);
        assertThat(repo.check(true).errors()).isEmpty();
    }

    @Test
    void aPackThatIsGoneIsNoLongerListedAndItsBackupStaysDamaged() throws IOException {
        Path pack = RepoFiles.under(dir, "data").getFirst();
        Files.delete(pack);

        IndexRepairResult r = repo.repairIndex(false);
        assertThat(r.packsDropped()).isEqualTo(1);
        assertThat(r.packsAdded()).isZero();
        assertThat(r.indexFilesReplaced()).isEqualTo(1);

        // the repair cannot bring the data back: check now says which blobs are missing, and repair would not help
        BackupCheckReport check = repo.check(false);
        assertThat(check.ok()).isFalse();
        assertThat(check.indexNeedsRepair()).isFalse();
        assertThat(check.damagedBackups()).containsExactly(backup.id());
        assertThat(check.errors()).anyMatch(e -> e.contains("is missing from the index"));
    }

    @Test
    void anInterruptedBackupsPacksAreLeftoversNotALostIndex() throws IOException {
        List<Path> indexBefore = RepoFiles.under(dir, "index");
        Path other = TestDisks.make(tmp.resolve("vdb.raw"), 16 * TestDisks.MiB, 20, 72);
        BackupResult second = repo.run(new FullStrategy(), TestDisks.source("db1", other, 2));
        // what a backup killed after its packs and before its index and manifest leaves
        List<Path> newIndex = new ArrayList<>(RepoFiles.under(dir, "index"));
        newIndex.removeAll(indexBefore);
        assertThat(newIndex).hasSize(1);
        Files.delete(newIndex.getFirst());
        for (Path m : RepoFiles.under(dir, "backups")) {
            if (m.getFileName().toString().startsWith(second.id().substring(0, 8))) {
                Files.delete(m);
            }
        }
        assertThat(repo.list()).hasSize(1);

        BackupCheckReport check = repo.check(false);
        assertThat(check.errors()).isEmpty();
        assertThat(check.indexNeedsRepair()).isFalse();
        assertThat(check.notes()).anyMatch(n -> n.contains("used by no backup: left over by an interrupted backup"));
    }
}
