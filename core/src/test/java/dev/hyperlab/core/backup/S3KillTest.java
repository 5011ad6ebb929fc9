package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kill -9 during a backup to S3: a child JVM backs up through a proxy that stalls one upload (a PUT of a whole object
 * or of a part) halfway through its body, at seeded points; the child is then killed with SIGKILL while that upload
 * is in flight. Afterwards {@code check --read-data} passes, the earlier backup restores byte-identical, the killed
 * backup left nothing visible, and the next backup completes.
 */
@Timeout(600)
class S3KillTest extends S3ServerTests {
    private static final int POINTS = 4;
    private static final int PACK = 10 << 20; // above the multipart threshold: parts are among the kill points

    @Test
    void aBackupKilledMidUploadLeavesARepositoryThatChecksAndTakesTheNextBackup() throws Exception {
        server.createBucket("kill");
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 48 * TestDisks.MiB, 60, 12);
        Path day1Disk = tmp.resolve("day1.raw");
        java.nio.file.Files.copy(disk, day1Disk);
        try (var img = dev.hyperlab.core.storage.raw.RawImage.open(disk, false)) {
            TestDisks.mutate(img, 30, 1 << 20, 5);
        }

        long total = putsOfOneBackup("kill/count", disk, day1Disk);
        List<Long> points = points(total);
        System.out.println("S3 backup: " + total + " PUTs, killed at " + points);
        for (long point : points) {
            String prefix = "kill/at-" + point;
            BackupRepository repo = init(prefix);
            BackupResult day1 = repo.run(new DedupStrategy(), TestDisks.source("web1", day1Disk, 1));
            try (FaultyS3Proxy proxy = new FaultyS3Proxy(server.port(), 1, 0, 0)) {
                proxy.stallPut = (int) point;
                Process child = S3BackupChild.start(through(proxy, prefix), disk.toString(), "2", "web1",
                        String.valueOf(PACK));
                while (!proxy.stalled.await(100, TimeUnit.MILLISECONDS)) {
                    if (!child.isAlive()) {
                        throw new AssertionError("child ended before PUT " + point + ": " + output(child));
                    }
                }
                child.destroyForcibly(); // SIGKILL, with an upload half sent
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            BackupRepository after = BackupRepository.open(server.backend(prefix), Optional.empty());
            BackupCheckReport report = after.check(true);
            assertThat(report.errors()).as("check after a kill at PUT " + point).isEmpty();
            assertThat(after.list()).extracting(BackupInfo::id).containsExactly(day1.id());
            Path out = tmp.resolve("day1-" + point + ".raw");
            assertThat(after.restore(day1.id(), "vda", out).complete()).isTrue();
            assertThat(TestDisks.sha256(out)).isEqualTo(TestDisks.sha256(day1Disk));

            BackupResult next = after.packTarget(PACK).run(new DedupStrategy(), TestDisks.source("web1", disk, 3));
            Path nextOut = tmp.resolve("next-" + point + ".raw");
            assertThat(after.restore(next.id(), "vda", nextOut).complete()).isTrue();
            assertThat(TestDisks.sha256(nextOut)).isEqualTo(TestDisks.sha256(disk));
            assertThat(after.check(true).errors()).isEmpty();
            assertThat(after.locks()).isEmpty();
        }
    }

    private BackupRepository init(String prefix) throws Exception {
        return BackupRepository.init(server.backend(prefix), Optional.empty(), TestDisks.fastKdf(), 3)
                .packTarget(PACK);
    }

    private static String through(FaultyS3Proxy proxy, String prefix) {
        return "s3:http://127.0.0.1:" + proxy.port() + "/" + prefix;
    }

    /** The PUTs a whole child backup of {@code disk} sends after a first backup of {@code day1}. */
    private long putsOfOneBackup(String prefix, Path disk, Path day1) throws Exception {
        init(prefix).run(new DedupStrategy(), TestDisks.source("web1", day1, 1));
        try (FaultyS3Proxy proxy = new FaultyS3Proxy(server.port(), 1, 0, 0)) {
            Process child = S3BackupChild.start(through(proxy, prefix), disk.toString(), "2", "web1",
                    String.valueOf(PACK));
            String out = output(child);
            assertThat(child.waitFor()).as(out).isZero();
            assertThat(out).contains("DONE");
            return proxy.puts.get();
        }
    }

    /** {@value #POINTS} seeded PUTs, from the first to the last (the manifest's). */
    private static List<Long> points(long total) {
        SplittableRandom r = new SplittableRandom(2026);
        TreeSet<Long> points = new TreeSet<>(List.of(total)); // the manifest itself, half written
        while (points.size() < POINTS) {
            points.add(1 + r.nextLong(total - 1));
        }
        return List.copyOf(points);
    }

    private static String output(Process p) throws java.io.IOException {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
