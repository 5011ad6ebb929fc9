package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lengths and sizes in a hostile repository never decide an allocation unchecked: a blob an index says is 2 GiB, a
 * manifest of 65 MiB, a lock file of 1 GiB are refused as damage before anything is read or allocated for them.
 */
@Timeout(120)
class HostileLimitsTest {
    @TempDir
    Path tmp;

    Path disk;
    Path dir;
    BackupRepository repo;
    String id;

    @BeforeEach
    void setUp() throws IOException {
        disk = TestDisks.make(tmp.resolve("vda.raw"), 8 * TestDisks.MiB, 8, 9);
        dir = tmp.resolve("repo");
        repo = BackupRepository.init(dir, Optional.empty());
        id = repo.run(new FullStrategy(), TestDisks.source("web1", disk, 1)).id();
    }

    /** An index file, re-named by its own hash, that says a data blob is 2 GiB raw (a zstd bomb's claim). */
    @Test
    void anIndexClaimingAHugeBlobIsDamageAndTheBlobsAreFoundInThePacks() throws IOException {
        Path file = RepoFiles.under(dir, "index").getFirst();
        Map<ObjectId, List<PackFormat.Entry>> packs = IndexFile.decode(Files.readAllBytes(file), "index");
        Map<ObjectId, List<PackFormat.Entry>> forged = new TreeMap<>();
        packs.forEach((pack, entries) -> {
            List<PackFormat.Entry> changed = new ArrayList<>(entries);
            PackFormat.Entry e = changed.getFirst();
            changed.set(0, new PackFormat.Entry(e.type(), e.compressed(), e.offset(), e.storedLength(),
                    Integer.MAX_VALUE, e.id()));
            forged.put(pack, changed);
        });
        byte[] bytes = IndexFile.encode(forged);
        Files.delete(file);
        Files.write(file.resolveSibling(ObjectId.sha256(bytes).hex()), bytes);

        BackupCheckReport report = repo.check(true);
        assertThat(report.ok()).isFalse();
        assertThat(report.errors()).anyMatch(e -> e.contains("more than a data blob can be"));
        RestoreResult r = repo.restore(id, "vda", tmp.resolve("out.raw"));
        assertThat(r.complete()).isTrue();
        assertThat(TestDisks.sha256(tmp.resolve("out.raw"))).isEqualTo(TestDisks.sha256(disk));
    }

    @Test
    void anOversizedManifestKeyOrLockFileIsRefusedUnread() throws IOException {
        Path manifest = dir.resolve("backups").resolve("ab".repeat(32));
        try (RandomAccessFile f = new RandomAccessFile(manifest.toFile(), "rw")) {
            f.setLength(FileKind.MANIFEST.maxLoad() + 1L); // sparse: no disk space, yet more than any manifest
        }
        BackupCheckReport report = repo.check(false);
        assertThat(report.errors()).anyMatch(e -> e.contains("more than a file of its kind can be"));
        assertThat(report.damagedBackups()).contains("ab".repeat(32));
        assertThat(repo.list()).extracting(BackupInfo::id).containsExactly(id);

        Path lock = dir.resolve("locks").resolve("huge");
        try (RandomAccessFile f = new RandomAccessFile(lock.toFile(), "rw")) {
            f.setLength(1L << 30);
        }
        assertThat(repo.locks()).anyMatch(l -> l.name().equals("huge") && l.stale());

        Path enc = tmp.resolve("enc");
        BackupRepository.init(enc, Optional.of("pw".toCharArray()), TestDisks.fastKdf(), 3);
        Path key = RepoFiles.under(enc, "keys").getFirst();
        try (RandomAccessFile f = new RandomAccessFile(key.toFile(), "rw")) {
            f.setLength(1L << 30);
        }
        assertThatThrownBy(() -> BackupRepository.open(enc, Optional.of("pw".toCharArray())))
                .isInstanceOf(RepositoryException.class).hasMessageContaining("more than a file of its kind can be");
    }
}
