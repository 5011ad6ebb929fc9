package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(300)
class LockAndConcurrencyTest {
    @TempDir
    Path tmp;

    @Test
    void staleLockOfADeadProcessIsDetectedAndRemovedButALiveOneBlocksPrune() throws Exception {
        Path dir = tmp.resolve("repo");
        BackupRepository repo = BackupRepository.init(dir, Optional.empty());
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        writeLock(dir, "dead", dead.pid(), RepositoryLock.host(), true, "prune");
        writeLock(dir, "remote", 1, "another-host", false, "backup of db1");

        List<LockInfo> locks = repo.locks();
        assertThat(locks).filteredOn(l -> l.pid() == dead.pid()).singleElement()
                .satisfies(l -> assertThat(l.stale()).isTrue());
        assertThat(locks).filteredOn(l -> l.host().equals("another-host")).singleElement()
                .satisfies(l -> assertThat(l.stale()).isFalse());

        // a shared operation removes the dead process's exclusive lock and says so
        BackupCheckReport report = repo.check(false);
        assertThat(report.notes()).anyMatch(n -> n.contains("removed stale lock of process " + dead.pid()));
        assertThat(repo.locks()).extracting(LockInfo::pid).doesNotContain(dead.pid());

        // a lock whose process cannot be seen (another host) is never taken for stale: prune waits for it
        assertThatThrownBy(() -> repo.prune(1)).isInstanceOf(RepositoryException.class)
                .hasMessageContaining("locked by process 1 on another-host (backup of db1)");
        Files.delete(dir.resolve("locks/remote"));
        assertThat(repo.prune(1).keptBackups()).isZero();
        assertThat(repo.locks()).isEmpty();
    }

    @Test
    void twoProcessesBackingUpAtOnceBothSucceedAndPruneWaitsForThem() throws Exception {
        Path a = TestDisks.make(tmp.resolve("a.raw"), 24 * TestDisks.MiB, 30, 1);
        Path b = TestDisks.make(tmp.resolve("b.raw"), 24 * TestDisks.MiB, 30, 2);
        Path dir = tmp.resolve("repo");
        BackupRepository repo = BackupRepository.init(dir, Optional.empty());

        Process pa = RepoChild.start("dedup", dir.toString(), a.toString(), "1", "vm-a", "0");
        Process pb = RepoChild.start("dedup", dir.toString(), b.toString(), "1", "vm-b", "0");
        assertThat(output(pa)).contains("DONE");
        assertThat(output(pb)).contains("DONE");
        assertThat(pa.waitFor()).isZero();
        assertThat(pb.waitFor()).isZero();

        assertThat(repo.list()).extracting(BackupInfo::source).containsExactlyInAnyOrder("vm-a", "vm-b");
        assertThat(repo.check(true).errors()).isEmpty();
        for (BackupInfo info : repo.list()) {
            Path out = tmp.resolve(info.source() + ".out");
            assertThat(repo.restore(info.id(), "vda", out).complete()).isTrue();
            assertThat(TestDisks.sha256(out)).isEqualTo(TestDisks.sha256(info.source().equals("vm-a") ? a : b));
        }

        // a backup in progress in another process (stopped at its first pack, its lock saved at steps 1-5) holds a
        // shared lock: prune is refused, not interleaved
        Process running = RepoChild.start("backup", dir.toString(), a.toString(), "2", "vm-a", "6");
        BufferedReader out = new BufferedReader(new InputStreamReader(running.getInputStream()));
        assertThat(out.readLine()).startsWith("PAUSED 6");
        assertThatThrownBy(() -> repo.prune(1)).hasMessageContaining("locked by process " + running.pid());
        running.destroyForcibly();
        assertThat(running.waitFor(60, TimeUnit.SECONDS)).isTrue();
        PruneResult pruned = repo.prune(1);
        assertThat(pruned.notes()).anyMatch(n -> n.contains("removed stale lock of process " + running.pid()));
        assertThat(repo.check(true).errors()).isEmpty();
    }

    private static String output(Process p) throws IOException {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void writeLock(Path dir, String name, long pid, String host, boolean exclusive, String op)
            throws IOException {
        String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        Files.writeString(dir.resolve("locks").resolve(name), "{\"boot\":\"" + boot + "\",\"exclusive\":" + exclusive
                + ",\"host\":\"" + host + "\",\"operation\":\"" + op + "\",\"pid\":" + pid + ",\"seq\":1,\"started\":0}");
    }
}
