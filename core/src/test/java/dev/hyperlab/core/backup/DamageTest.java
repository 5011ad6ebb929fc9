package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A damaged repository: clear errors, no hang, intact data restored, and never a partial restore called complete. */
@Timeout(120)
class DamageTest {
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
    }

    @Test
    void flippedByteInAPackIsNamedAndOnlyItsRangeIsMissingFromTheRestore() throws IOException {
        Path pack = RepoFiles.under(dir, "data").getFirst();
        RepoFiles.flip(pack, 100);

        BackupCheckReport structure = repo.check(false);
        assertThat(structure.ok()).isTrue(); // blob bytes are only read with --read-data
        BackupCheckReport report = repo.check(true);
        assertThat(report.ok()).isFalse();
        assertThat(report.errors()).anyMatch(e -> e.contains("pack " + pack.getFileName().toString().substring(0, 8))
                && e.contains("damaged"));
        assertThat(report.damagedBackups()).containsExactly(backup.id());

        Path out = tmp.resolve("out.raw");
        RestoreResult r = repo.restore(backup.id(), "vda", out);
        assertThat(r.complete()).isFalse();
        assertThat(r.damaged()).singleElement().satisfies(d -> assertThat(d.reason()).contains("damaged"));
        assertIntactOutside(out, r);
    }

    @Test
    void missingPackIsNamedAndTheRestIsRestored() throws IOException {
        Path pack = RepoFiles.under(dir, "data").getLast();
        Files.delete(pack);
        BackupCheckReport report = repo.check(false);
        assertThat(report.ok()).isFalse();
        assertThat(report.errors()).anyMatch(e -> e.startsWith("pack " + pack.getFileName().toString().substring(0, 8))
                && e.contains("is missing"));
        assertThat(report.damagedBackups()).containsExactly(backup.id());

        Path out = tmp.resolve("out.raw");
        RestoreResult r = repo.restore(backup.id(), "vda", out);
        assertThat(r.complete()).isFalse();
        assertThat(r.damaged()).isNotEmpty().allSatisfy(d -> assertThat(d.reason()).contains("does not exist"));
        assertIntactOutside(out, r);
    }

    @Test
    void truncatedIndexIsReportedYetRestoreFindsTheBlobsInThePacksAndPruneRewritesIt() throws IOException {
        Path index = RepoFiles.under(dir, "index").getFirst();
        try (FileChannel ch = FileChannel.open(index, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        BackupCheckReport report = repo.check(false);
        assertThat(report.ok()).isFalse();
        assertThat(report.errors()).anyMatch(e -> e.contains("index file") && e.contains("damaged"));

        Path out = tmp.resolve("out.raw");
        RestoreResult r = repo.restore(backup.id(), "vda", out);
        assertThat(r.complete()).isTrue();
        assertThat(r.warnings()).anyMatch(w -> w.contains("index"));
        assertThat(TestDisks.sha256(out)).isEqualTo(TestDisks.sha256(disk));

        repo.prune(10);
        assertThat(repo.check(true).errors()).isEmpty();
    }

    @Test
    void truncatedPackAndDeletedManifestAreClearErrors() throws IOException {
        Path pack = RepoFiles.under(dir, "data").getFirst();
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 3);
        }
        BackupCheckReport report = repo.check(false);
        assertThat(report.errors()).anyMatch(e -> e.contains("no pack trailer"));
        Path manifest = RepoFiles.under(dir, "backups").getFirst();
        Files.writeString(manifest, "{not json");
        report = repo.check(false);
        assertThat(report.errors()).anyMatch(e -> e.contains("backup " + backup.id().substring(0, 8)));
        assertThat(report.damagedBackups()).contains(backup.id());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> repo.prune(1))
                .hasMessageContaining("prune refused");
    }

    /** Outside the damaged ranges the restored disk equals the original; inside it reads zeros. */
    private void assertIntactOutside(Path out, RestoreResult r) throws IOException {
        try (FileChannel a = FileChannel.open(disk); FileChannel b = FileChannel.open(out)) {
            long size = a.size();
            ByteBuffer x = ByteBuffer.allocate(1 << 20);
            ByteBuffer y = ByteBuffer.allocate(1 << 20);
            for (long off = 0; off < size; off += x.capacity()) {
                x.clear();
                y.clear();
                a.read(x, off);
                b.read(y, off);
                long from = off;
                long to = off + x.position();
                if (r.damaged().stream().noneMatch(d -> d.offset() < to && d.offset() + d.length() > from)) {
                    assertThat(java.util.Arrays.equals(x.array(), 0, x.position(), y.array(), 0, x.position()))
                            .as("bytes at " + off + " outside the damaged ranges").isTrue();
                    continue;
                }
                for (int i = 0; i < x.position(); i++) {
                    long at = off + i;
                    boolean damaged = r.damaged().stream().anyMatch(d -> at >= d.offset() && at < d.offset() + d.length());
                    if (damaged) {
                        assertThat(y.get(i)).isZero();
                    } else if (x.get(i) != y.get(i)) {
                        throw new AssertionError("byte " + at + " differs outside the damaged ranges");
                    }
                }
            }
        }
    }
}
