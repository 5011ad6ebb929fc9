package dev.hyperlab.core.backup;

import dev.hyperlab.core.storage.raw.RawImage;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DedupTest {
    @TempDir
    Path tmp;

    @Test
    void identicalChunksAcrossVmsAndDaysAreStoredOnce() throws IOException {
        Path web1 = TestDisks.make(tmp.resolve("web1.raw"), 64 * TestDisks.MiB, 40, 31);
        Path web2 = tmp.resolve("web2.raw");
        Files.copy(web1, web2); // a clone of the same template
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty());

        BackupResult w1 = repo.run(new DedupStrategy(), TestDisks.source("web1", web1, 1));
        BackupResult w2 = repo.run(new DedupStrategy(), TestDisks.source("web2", web2, 1));
        // the second VM adds no data blobs, only its map page (if its manifest differs) and nothing else
        assertThat(w2.backup().blobsAdded()).isLessThanOrEqualTo(1);
        assertThat(w2.backup().bytesAdded()).isLessThan(w1.backup().bytesAdded() / 100);

        // day 2: a few small writes on web1; only the chunks around them are new
        try (RawImage img = RawImage.open(web1, false)) {
            TestDisks.mutate(img, 4, 4096, 8);
        }
        BackupResult day2 = repo.run(new DedupStrategy(), TestDisks.source("web1", web1, 2));
        assertThat(day2.backup().bytesAdded()).isLessThan(w1.backup().bytesAdded() / 4);

        for (BackupResult r : new BackupResult[] {w1, w2, day2}) {
            assertThat(r.backup().disks().getFirst().dataBytes()).isPositive();
        }
        Path out = tmp.resolve("out.raw");
        assertThat(repo.restore(day2.id(), "vda", out).complete()).isTrue();
        assertThat(TestDisks.sha256(out)).isEqualTo(TestDisks.sha256(web1));
        assertThat(repo.check(true).ok()).isTrue();
    }

    @Test
    void contentMovedByABlockStillDedups() throws IOException {
        Path a = TestDisks.make(tmp.resolve("a.raw"), 32 * TestDisks.MiB, 20, 41);
        // b holds a's bytes shifted by 3 blocks (content moved on disk): fixed chunks would all differ
        Path b = tmp.resolve("b.raw");
        try (RawImage src = RawImage.open(a, true); RawImage dst = RawImage.create(b, 32 * TestDisks.MiB)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) (32 * TestDisks.MiB - 12288));
            src.read(0, buf);
            buf.flip();
            dst.write(12288, buf);
        }
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty());
        BackupResult ra = repo.run(new DedupStrategy(), TestDisks.source("a", a, 1));
        BackupResult rb = repo.run(new DedupStrategy(), TestDisks.source("b", b, 1));
        assertThat(rb.backup().bytesAdded()).isLessThan(ra.backup().bytesAdded() / 3);
        Path out = tmp.resolve("out.raw");
        assertThat(repo.restore(rb.id(), "vda", out).complete()).isTrue();
        assertThat(TestDisks.sha256(out)).isEqualTo(TestDisks.sha256(b));
    }

    @Test
    void fullBackupsOfClonesShareBlobsToo() throws IOException {
        Path a = TestDisks.make(tmp.resolve("a.raw"), 32 * TestDisks.MiB, 20, 51);
        Path b = tmp.resolve("b.raw");
        Files.copy(a, b, StandardCopyOption.REPLACE_EXISTING);
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty());
        BackupResult ra = repo.run(new FullStrategy(), TestDisks.source("a", a, 1));
        BackupResult rb = repo.run(new FullStrategy(), TestDisks.source("b", b, 1));
        assertThat(rb.backup().blobsAdded()).isLessThanOrEqualTo(1);
        assertThat(ra.backup().blobsAdded()).isGreaterThan(5);
    }
}
