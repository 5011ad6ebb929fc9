package dev.hyperlab.core.backup;

import dev.hyperlab.core.storage.OpenMode;
import dev.hyperlab.core.storage.raw.RawImage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.core.storage.DiskImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncrementalTest {
    static final int CLUSTER = 64 * 1024;

    @TempDir
    Path tmp;

    Path disk;
    BackupRepository repo;
    MemoryTracker tracker;
    TrackedImage image;

    @BeforeEach
    void setUp() throws IOException {
        disk = TestDisks.make(tmp.resolve("vda.raw"), 64 * TestDisks.MiB, 30, 21);
        repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty());
        tracker = new MemoryTracker(Files.size(disk), CLUSTER);
        image = new TrackedImage(RawImage.open(disk, false), tracker);
    }

    @Test
    void readsOnlyChangedClustersRestoresEveryDayAndRestartsTheBitmapAfterSuccess() throws IOException {
        BackupResult first = repo.run(new IncrementalStrategy(), TestDisks.tracked("web1", image, tracker, 1));
        assertThat(first.backup().notes()).singleElement().asString()
                .contains("never cleared by a backup").contains("full backup of it instead");
        assertThat(first.trackersRestarted()).containsExactly("vda");
        assertThat(tracker.since()).contains(first.id());
        Path day1 = snapshot("day1.raw");

        TestDisks.mutate(image, 20, 8192, 5);
        long dirty = tracker.changed().stream().mapToLong(r -> r.length()).sum();
        BackupResult second = repo.run(new IncrementalStrategy(), TestDisks.tracked("web1", image, tracker, 2));
        assertThat(second.backup().notes()).isEmpty();
        assertThat(second.backup().parents()).containsExactly(first.id());
        assertThat(second.backup().bytesRead()).isEqualTo(dirty);
        assertThat(tracker.changed()).isEmpty();
        assertThat(tracker.since()).contains(second.id());

        assertRestores(first.id(), day1);
        assertRestores(second.id(), disk);
        assertThat(repo.check(true).ok()).isTrue();
    }

    @Test
    void fallsBackToFullAndSaysWhyWhenTheChainIsBroken() throws IOException {
        BackupResult first = repo.run(new FullStrategy(), TestDisks.tracked("web1", image, tracker, 1));
        assertThat(tracker.since()).contains(first.id());
        TestDisks.mutate(image, 5, 4096, 1);

        tracker.setConsistent(false);
        BackupResult unclean = repo.run(new IncrementalStrategy(), TestDisks.tracked("web1", image, tracker, 2));
        assertThat(unclean.backup().notes()).singleElement().asString().contains("inconsistent");
        assertThat(unclean.backup().parents()).isEmpty();
        assertRestores(unclean.id(), disk);

        BackupResult noBitmap = repo.run(new IncrementalStrategy(), TestDisks.source("web1", disk, 3));
        assertThat(noBitmap.backup().notes()).singleElement().asString().contains("no dirty bitmap");

        tracker.restart("0000000000000000000000000000000000000000000000000000000000000000");
        BackupResult lostBase = repo.run(new IncrementalStrategy(), TestDisks.tracked("web1", image, tracker, 4));
        assertThat(lostBase.backup().notes()).singleElement().asString().contains("is not in the repository");
        assertRestores(lostBase.id(), disk);
    }

    @Test
    void aFailedBackupLeavesTheBitmapAndTheNextIncrementalStillHasEveryChange() throws IOException {
        BackupResult first = repo.run(new FullStrategy(), TestDisks.tracked("web1", image, tracker, 1));
        TestDisks.mutate(image, 8, 4096, 2);
        var before = tracker.changed();

        // a second reader of the disk the test holds open for writing: it shares the file, as qemu-img -U does
        DiskImage failing = new TrackedImage(RawImage.open(disk, OpenMode.INSPECT), new MemoryTracker(1, CLUSTER)) {
            @Override
            public void read(long offset, ByteBuffer dst) throws IOException {
                throw new IOException("simulated read error at " + offset);
            }
        };
        BackupSource broken = new BackupSource("web1", List.of(new SourceImage("vda", failing, Optional.of(tracker))),
                Map.of(), 2);
        assertThatThrownBy(() -> repo.run(new IncrementalStrategy(), broken))
                .hasMessageContaining("simulated read error");
        assertThat(tracker.changed()).isEqualTo(before);
        assertThat(tracker.since()).contains(first.id());
        assertThat(repo.list()).hasSize(1);

        BackupResult retry = repo.run(new IncrementalStrategy(), TestDisks.tracked("web1", image, tracker, 3));
        assertThat(retry.backup().parents()).containsExactly(first.id());
        assertRestores(retry.id(), disk);
        assertThat(repo.check(true).ok()).isTrue();
    }

    @Test
    void aBaseWhoseDataWentMissingIsReadAgainInsteadOfReferenced() throws IOException {
        BackupResult first = repo.run(new FullStrategy(), TestDisks.tracked("web1", image, tracker, 1));
        // lose every pack: the index still lists the blobs, so drop the index too, as a damaged repository might
        try (var s = Files.walk(tmp.resolve("repo/index"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.delete(p);
            }
        }
        TestDisks.mutate(image, 3, 4096, 4);
        BackupResult next = repo.run(new IncrementalStrategy(), TestDisks.tracked("web1", image, tracker, 2));
        assertThat(next.backup().notes()).anyMatch(n -> n.contains("read and stored again"));
        assertRestores(next.id(), disk);
        assertThat(first.id()).isNotEqualTo(next.id());
    }

    private Path snapshot(String name) throws IOException {
        Path copy = tmp.resolve(name);
        Files.copy(disk, copy, StandardCopyOption.REPLACE_EXISTING);
        return copy;
    }

    private void assertRestores(String id, Path expected) throws IOException {
        Path out = tmp.resolve("restore-" + id.substring(0, 8) + "-" + System.nanoTime() + ".raw");
        RestoreResult r = repo.restore(id, "vda", out);
        assertThat(r.complete()).isTrue();
        assertThat(TestDisks.sha256(out)).isEqualTo(TestDisks.sha256(expected));
        Files.delete(out);
    }
}
