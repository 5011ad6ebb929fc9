package dev.hyperlab.core.backup;

import dev.hyperlab.core.storage.raw.RawImage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.core.storage.QemuImg;
import dev.hyperlab.core.storage.TestData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * Two VMs installed from the same media: the same files, each disk a fresh ext4 (its own UUID, times, inode
     * numbers) with the directories laid down in an order of its own, as separate installs do. The second disk's
     * files are all in the repository already; only its metadata is new. Chunks that ran across file boundaries
     * (without {@link FileBoundaries}) made the second install add about half of what the first did.
     */
    @Test
    void separateInstallsOfTheSameFilesDedupFileByFile() throws Exception {
        QemuImg.requireTool("mkfs.ext4");
        QemuImg.requireTool("debugfs");
        Path tree = Files.createDirectories(tmp.resolve("media"));
        List<String> dirs = new ArrayList<>();
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int d = 0; d < 60; d++) {
            String dir = "pkg" + d;
            dirs.add(dir);
            Files.createDirectories(tree.resolve(dir));
            for (int f = 0; f < 25; f++) {
                Files.write(tree.resolve(dir).resolve("f" + f), TestData.mixed(d * 100L + f, 1000 + r.nextInt(30_000)));
            }
        }
        Path first = install(tree, dirs, 1, "1b7a3a2e-0c1d-4e7f-9a61-2f0e8c4b9d11");
        Path second = install(tree, dirs, 2, "2b7a3a2e-0c1d-4e7f-9a61-2f0e8c4b9d12");
        assertThat(TestDisks.sha256(first)).isNotEqualTo(TestDisks.sha256(second));

        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty());
        BackupResult b1 = repo.run(new DedupStrategy(), TestDisks.source("vm1", first, 1));
        BackupResult b2 = repo.run(new DedupStrategy(), TestDisks.source("vm2", second, 1));
        assertThat(b2.backup().bytesAdded()).isLessThan(b1.backup().bytesAdded() / 10);

        Path out = tmp.resolve("out.raw");
        assertThat(repo.restore(b2.id(), "vda", out).complete()).isTrue();
        assertThat(TestDisks.sha256(out)).isEqualTo(TestDisks.sha256(second));
    }

    /** A fresh ext4 holding {@code tree}, its directories written by debugfs in a shuffled order ({@code seed}). */
    private Path install(Path tree, List<String> dirs, int seed, String uuid) throws Exception {
        Path disk = tmp.resolve("install" + seed + ".raw");
        QemuImg.tool("mkfs.ext4", "-q", "-F", "-U", uuid, "-E", "root_owner=0:0", disk.toString(), "64M").ok();
        List<String> order = new ArrayList<>(dirs);
        java.util.Collections.shuffle(order, new java.util.Random(seed));
        StringBuilder cmds = new StringBuilder();
        for (String d : dirs) cmds.append("mkdir /").append(d).append('\n');
        for (String d : order) {
            cmds.append("cd /").append(d).append('\n');
            try (var files = Files.list(tree.resolve(d))) {
                for (Path f : files.sorted().toList()) {
                    cmds.append("write ").append(f).append(' ').append(f.getFileName()).append('\n');
                }
            }
        }
        Path script = tmp.resolve("install" + seed + ".debugfs");
        Files.writeString(script, cmds);
        QemuImg.tool("debugfs", "-w", "-f", script.toString(), disk.toString()).ok();
        return disk;
    }
}
