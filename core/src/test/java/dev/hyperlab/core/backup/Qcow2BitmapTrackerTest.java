package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.spi.BackupStrategy;
import dev.hyperlab.api.spi.ByteRange;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.ImageFormat;
import dev.hyperlab.core.storage.qcow2.Qcow2Image;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Incremental backups counted by a real qcow2 persistent dirty bitmap, as hyperlab's VMs keep them. */
class Qcow2BitmapTrackerTest {
    @TempDir
    Path tmp;

    static void write(Qcow2Image img, long offset, int length, int seed) throws Exception {
        byte[] data = new byte[length];
        new java.util.SplittableRandom(seed).nextBytes(data);
        img.write(offset, ByteBuffer.wrap(data));
    }

    static String sha(Qcow2Image img) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        for (long off = 0; off < img.virtualSize(); off += buf.capacity()) {
            buf.clear();
            img.read(off, buf);
            md.update(buf.array());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String sha(Path raw) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = java.nio.file.Files.newInputStream(raw)) {
            byte[] b = new byte[1 << 20];
            int n;
            while ((n = in.read(b)) > 0) {
                md.update(b, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static BackupSource source(Qcow2Image img, long labTime) {
        return new BackupSource("web1", List.of(new SourceImage("vda", img,
                Optional.of(Qcow2BitmapTracker.of(img).orElseThrow()))), Map.of(), labTime);
    }

    @Test
    void countsWritesAcrossReopensAndRestartsOnlyAfterABackup() throws Exception {
        Path file = tmp.resolve("vda.qcow2");
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty());
        try (Qcow2Image img = (Qcow2Image) DiskImages.create(file, ImageFormat.QCOW2, 256L << 20)) {
            write(img, 0, 1 << 20, 1);
            Qcow2BitmapTracker t = Qcow2BitmapTracker.start(img);
            assertThat(t.since()).isEmpty();
            assertThat(t.consistent()).isTrue();
            write(img, 10L << 20, 4096, 2);
            assertThat(Qcow2BitmapTracker.of(img).orElseThrow().changed())
                    .containsExactly(new ByteRange(10L << 20, 64 * 1024));

            BackupResult first = repo.run(new IncrementalStrategy(), source(img, 1));
            assertThat(first.backup().notes()).singleElement().asString().contains("full backup");
            assertThat(Qcow2BitmapTracker.of(img).orElseThrow().since()).contains(first.id());
            assertThat(Qcow2BitmapTracker.of(img).orElseThrow().changed()).isEmpty();
            write(img, 100L << 20, 200 * 1024, 3);
        }
        // the bitmap is persistent: a reopened image still knows what changed since which backup
        String day2;
        try (Qcow2Image img = DiskImages.openQcow2(file, false)) {
            Qcow2BitmapTracker t = Qcow2BitmapTracker.of(img).orElseThrow();
            assertThat(t.changed()).extracting(ByteRange::offset).containsExactly(100L << 20);
            BackupResult second = repo.run(new IncrementalStrategy(), source(img, 2));
            assertThat(second.backup().notes()).isEmpty();
            assertThat(second.backup().bytesRead()).isEqualTo(4 * 64 * 1024);
            day2 = sha(img);
            Path restored = tmp.resolve("restored.raw");
            assertThat(repo.restore(second.id(), "vda", restored).complete()).isTrue();
            assertThat(sha(restored)).isEqualTo(day2);
        }
        Assumptions.assumeFalse("1".equals(System.getenv("HYPERLAB_SKIP_QEMU_IMG")), "HYPERLAB_SKIP_QEMU_IMG=1");
        Process p = new ProcessBuilder("qemu-img", "info", "--output=json", file.toString()).start();
        String info = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(info).contains("hyperlab-cbt@");
        Process check = new ProcessBuilder("qemu-img", "check", file.toString()).start();
        check.getInputStream().readAllBytes();
        assertThat(check.waitFor()).isZero();
    }

    /**
     * What a kill -9 leaves of an image open for writing: the file as it is while open, its bitmap flagged in use
     * (hyperlab marks it so at open, as QEMU does). Copied aside while open, then put in place of the image.
     */
    static void leaveInUse(Path file) throws Exception {
        Path crashed = file.resolveSibling("crashed-" + file.getFileName());
        try (Qcow2Image img = DiskImages.openQcow2(file, false)) {
            write(img, 30L << 20, 8192, 9);
            img.flush();
            java.nio.file.Files.copy(file, crashed);
        }
        java.nio.file.Files.move(crashed, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aBitmapLeftInUseByAKillMeansChangesUnknownAndNoKindOfBackupFails() throws Exception {
        Path template = tmp.resolve("template.qcow2");
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty());
        try (Qcow2Image img = (Qcow2Image) DiskImages.create(template, ImageFormat.QCOW2, 256L << 20)) {
            write(img, 0, 1 << 20, 1);
            Qcow2BitmapTracker.start(img);
            repo.run(new FullStrategy(), source(img, 1));
        }
        leaveInUse(template);
        long labTime = 2;
        for (BackupStrategy strategy : List.of(new FullStrategy(), new IncrementalStrategy(), new DedupStrategy())) {
            Path file = tmp.resolve(strategy.id() + ".qcow2");
            java.nio.file.Files.copy(template, file);
            try (Qcow2Image img = DiskImages.openQcow2(file, false)) {
                Qcow2BitmapTracker before = Qcow2BitmapTracker.of(img).orElseThrow();
                assertThat(before.consistent()).as("the kill left the bitmap in use").isFalse();

                BackupResult run = repo.run(strategy, source(img, labTime++));

                if (strategy.id().equals("incremental")) {
                    assertThat(run.backup().notes()).singleElement().asString()
                            .startsWith("disk vda: dirty bitmap is inconsistent (image not closed cleanly)")
                            .endsWith("full backup of it instead");
                    assertThat(run.backup().parents()).isEmpty();
                } else {
                    assertThat(run.backup().notes()).isEmpty();
                }
                Path restored = tmp.resolve(strategy.id() + ".raw");
                assertThat(repo.restore(run.id(), "vda", restored).complete()).isTrue();
                assertThat(sha(restored)).isEqualTo(sha(img));
                // the backup re-created the bitmap: the next incremental builds on it and reads only what changed
                Qcow2BitmapTracker after = Qcow2BitmapTracker.of(img).orElseThrow();
                assertThat(after.consistent()).isTrue();
                assertThat(after.since()).contains(run.id());
                write(img, 200L << 20, 4096, 11);
                BackupResult next = repo.run(new IncrementalStrategy(), source(img, labTime++));
                assertThat(next.backup().notes()).isEmpty();
                assertThat(next.backup().bytesRead()).isEqualTo(64 * 1024);
            }
        }
    }

    @Test
    void anIncrementalAfterARevertReadsWhatTheRevertChangedNotTheWholeDisk() throws Exception {
        Path file = tmp.resolve("vda.qcow2");
        BackupRepository repo = BackupRepository.init(tmp.resolve("repo"), Optional.empty());
        try (Qcow2Image img = (Qcow2Image) DiskImages.create(file, ImageFormat.QCOW2, 256L << 20)) {
            write(img, 0, 1 << 20, 1);
            write(img, 10L << 20, 512 << 10, 2);
            Qcow2BitmapTracker.start(img);
            img.createSnapshot("s1", dev.hyperlab.core.storage.qcow2.Qcow2Snapshot.Times.ZERO, ByteBuffer.allocate(0));
            write(img, 100L << 20, 4096, 3); // after s1, before the backup: the revert takes it back
            BackupResult full = repo.run(new FullStrategy(), source(img, 1));
            write(img, 120L << 20, 200 << 10, 4); // after the backup: 4 clusters the revert takes back too

            img.applySnapshot("s1");

            // what differs from the backup: the cluster at 100 MiB and the 4 at 120 MiB, nothing the two share
            assertThat(Qcow2BitmapTracker.of(img).orElseThrow().changed()).containsExactly(
                    new ByteRange(100L << 20, 64 << 10), new ByteRange(120L << 20, 256 << 10));
            BackupResult next = repo.run(new IncrementalStrategy(), source(img, 2));
            assertThat(next.backup().notes()).isEmpty();
            assertThat(next.backup().parents()).containsExactly(full.id());
            assertThat(next.backup().bytesRead()).isEqualTo(5 * 64 * 1024);
            Path restored = tmp.resolve("reverted.raw");
            assertThat(repo.restore(next.id(), "vda", restored).complete()).isTrue();
            assertThat(sha(restored)).isEqualTo(sha(img));
        }
    }
}
