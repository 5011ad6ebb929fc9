package dev.hyperlab.core.backup;

import dev.hyperlab.core.storage.raw.RawImage;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at 20 seeded points of a backup and 20 of a prune: each time a child process doing the operation is stopped
 * at a step of the backend's write sequence (mid-file, after the write, after fsync, after the rename, ...) and killed
 * with SIGKILL. Afterwards {@code check --read-data} passes, every backup that must survive restores byte-identical,
 * and the next backup (and prune) works.
 */
@Timeout(600)
class CrashTest {
    private static final int POINTS = 20;

    @TempDir
    Path tmp;

    @Test
    void killedBackupLeavesARepositoryThatChecksRestoresAndTakesTheNextBackup() throws Exception {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 24 * TestDisks.MiB, 30, 81);
        Path pristine = tmp.resolve("pristine");
        BackupRepository repo = BackupRepository.init(pristine, Optional.empty()).packTarget(RepoChild.PACK);
        BackupResult day1 = repo.run(new FullStrategy(), TestDisks.source("web1", disk, 1));
        Path day1Disk = copy(disk, "day1.raw");
        try (RawImage img = RawImage.open(disk, false)) {
            TestDisks.mutate(img, 40, 65536, 3);
        }
        String day1Sha = TestDisks.sha256(day1Disk);
        String day2Sha = TestDisks.sha256(disk);

        long total = steps("backup", pristine, disk.toString());
        assertThat(total).isGreaterThan(POINTS);
        System.out.println("backup: " + total + " steps, killed at " + points(total, 2026));
        for (long point : points(total, 2026)) {
            Path dir = copyTree(pristine, tmp.resolve("backup-kill-" + point));
            killAt(point, "backup", dir, disk.toString());

            BackupRepository after = BackupRepository.open(dir, Optional.empty());
            BackupCheckReport report = after.check(true);
            assertThat(report.errors()).as("check after kill at step " + point).isEmpty();
            assertThat(restoreSha(after, day1.id(), "k" + point)).isEqualTo(day1Sha);
            // the killed backup either completed (its manifest is there) or left nothing visible
            for (BackupInfo b : after.list()) {
                assertThat(restoreSha(after, b.id(), "l" + point)).isIn(day1Sha, day2Sha);
            }
            BackupResult next = after.run(new FullStrategy(), TestDisks.source("web1", disk, 3));
            assertThat(restoreSha(after, next.id(), "n" + point)).isEqualTo(day2Sha);
            assertThat(after.check(true).errors()).isEmpty();
            deleteTree(dir);
        }
    }

    @Test
    void killedPruneLosesNothingReferencedAndThePruneCanBeRunAgain() throws Exception {
        Path disk = TestDisks.make(tmp.resolve("vda.raw"), 24 * TestDisks.MiB, 30, 91);
        Path pristine = tmp.resolve("pristine");
        BackupRepository repo = BackupRepository.init(pristine, Optional.empty()).packTarget(RepoChild.PACK);
        List<String> shas = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int day = 1; day <= 3; day++) {
            ids.add(repo.run(new DedupStrategy(), TestDisks.source("web1", disk, day)).id());
            shas.add(TestDisks.sha256(disk));
            try (RawImage img = RawImage.open(disk, false)) {
                TestDisks.mutate(img, 30, 65536, 100 + day);
            }
        }
        long total = steps("prune", pristine, "1");
        assertThat(total).isGreaterThan(POINTS);
        System.out.println("prune: " + total + " steps, killed at " + points(total, 1122));
        for (long point : points(total, 1122)) {
            Path dir = copyTree(pristine, tmp.resolve("prune-kill-" + point));
            killAt(point, "prune", dir, "1");

            BackupRepository after = BackupRepository.open(dir, Optional.empty()).packTarget(RepoChild.PACK);
            assertThat(after.check(true).errors()).as("check after kill at prune step " + point).isEmpty();
            // the newest backup must survive; older ones may be forgotten, but what is listed restores
            assertThat(after.list()).extracting(BackupInfo::id).contains(ids.getLast());
            for (BackupInfo b : after.list()) {
                assertThat(restoreSha(after, b.id(), "p" + point)).isEqualTo(shas.get(ids.indexOf(b.id())));
            }
            PruneResult again = after.prune(1);
            assertThat(again.keptBackups()).isEqualTo(1);
            assertThat(after.check(true).errors()).isEmpty();
            assertThat(restoreSha(after, ids.getLast(), "q" + point)).isEqualTo(shas.getLast());
            BackupResult next = after.run(new DedupStrategy(), TestDisks.source("web1", disk, 9));
            assertThat(restoreSha(after, next.id(), "r" + point)).isEqualTo(TestDisks.sha256(disk));
            deleteTree(dir);
        }
    }

    /**
     * 20 distinct seeded steps in [1, total], one in each twentieth of the operation, so that the points cover it
     * from the first write to the last (the index and the manifest are written at the very end).
     */
    static List<Long> points(long total, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        TreeSet<Long> picked = new TreeSet<>();
        for (int i = 0; i < POINTS; i++) {
            long from = 1 + total * i / POINTS;
            long to = 1 + total * (i + 1) / POINTS; // exclusive
            picked.add(from + r.nextLong(Math.max(1, to - from)));
        }
        picked.add(total); // and always the very last step
        return List.copyOf(picked);
    }

    /** Runs the operation to the end on a copy and returns how many backend steps it took. */
    private long steps(String mode, Path pristine, String arg) throws Exception {
        Path dir = copyTree(pristine, tmp.resolve("count-" + mode));
        Process p = RepoChild.start(mode, dir.toString(), arg, "5", "web1", "0");
        long steps = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("STEPS ")) {
                    steps = Long.parseLong(line.substring(6));
                }
            }
        }
        assertThat(p.waitFor()).isZero();
        deleteTree(dir);
        return steps;
    }

    /** Starts the child, waits until it stops at {@code point}, and kills it with SIGKILL. */
    static void killAt(long point, String mode, Path dir, String arg) throws Exception {
        Process p = RepoChild.start(mode, dir.toString(), arg, "5", "web1", Long.toString(point));
        StringBuilder seen = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; (line = out.readLine()) != null; ) {
                seen.append(line).append('\n');
                if (line.startsWith("PAUSED")) {
                    break;
                }
            }
        }
        assertThat(seen.toString()).as("child output").contains("PAUSED " + point);
        p.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no finally blocks
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    private String restoreSha(BackupRepository repo, String id, String tag) throws IOException {
        Path out = tmp.resolve("restore-" + tag + "-" + id.substring(0, 8) + ".raw");
        RestoreResult r = repo.restore(id, "vda", out);
        assertThat(r.complete()).isTrue();
        String sha = TestDisks.sha256(out);
        Files.delete(out);
        return sha;
    }

    private Path copy(Path file, String name) throws IOException {
        return Files.copy(file, tmp.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return to;
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
