package dev.hyperlab.core.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hyperlab.api.lab.BackupRestore;
import dev.hyperlab.api.lab.BackupRun;
import dev.hyperlab.api.lab.Backups;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.TimelinePhase;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.api.lab.Wait;
import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.lab.Labs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups of a real VM (QEMU, TCG, the tiny-linux guest through SeaBIOS), one booted guest for all of it: a live full
 * backup while it runs, a reboot in which the guest writes its boot record to its disk, a live incremental that copies
 * only the clusters the persistent dirty bitmap marked, both restored byte for byte as {@code qemu-img convert} reads
 * the disk at each point, a restore as a new VM that boots, whose bitmap QEMU stores at its shutdown for an offline
 * incremental by hyperlab's qcow2 code; a backup that fails while QEMU runs on, after which the bitmap still holds
 * what the next incremental needs; then QEMU killed in the middle of a live backup (one error,
 * nothing recorded, no copy left, the repository checks clean) and the crashed VM backed up offline by hyperlab's own
 * qcow2 code, a full backup since QEMU did not live to store its bitmap.
 */
@Tag("qemu")
class QemuBackupTest {
    private static final Wait BOOT = Wait.upTo(Duration.ofMinutes(5));

    @TempDir
    Path dir;

    private Lab lab;

    @AfterEach
    void stopEverything() throws Exception {
        QemuBackups.afterPoint = vm -> {};
        if (lab != null) {
            lab.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().equals("qemu.pid")).toList()) {
                ProcessHandle.of(Long.parseLong(Files.readString(p).trim())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** The disk as it is now, by QEMU's own reader ({@code -U}: QEMU has it open). */
    private Path convert(Path disk, String name) throws Exception {
        Path out = dir.resolve(name);
        Process p = new ProcessBuilder("qemu-img", "convert", "-U", "-O", "raw", disk.toString(), out.toString())
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(said).isZero();
        return out;
    }

    private Path restored(Backups repo, String id, String name) {
        Path out = dir.resolve(name);
        repo.restore(id, out.toString());
        return out;
    }

    private long pid(String vm) throws Exception {
        return Long.parseLong(Files.readString(dir.resolve("lab/vms/" + vm + "/qemu.pid")).trim());
    }

    private List<String> leftOver(String vm) throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("lab/vms/" + vm))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("backup")).toList();
        }
    }

    private List<TimelinePhase> backupRows(String vm) {
        return lab.timeline(List.of(vm)).stream().filter(p -> p.phase().equals("backup")).toList();
    }

    @Test
    void liveFullThenIncrementalRestoreByteForByteAndBootAsAVm() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")), "no qemu-system-x86_64");
        lab = Labs.open(dir.resolve("lab"), 1, Extensions.builtIn(), Optional.of("qemu"));
        lab.createVm(VmSpec.of("g1", "local", 1, 256L << 20).withOs("tiny-linux"));
        lab.vm("g1").start(BOOT);
        Path disk = Path.of(lab.vm("g1").info().disks().getFirst().path());
        Backups repo = lab.initBackups(dir.resolve("repo").toString(), "");

        // live, full: the first backup has no bitmap to count from
        BackupRun full = repo.run("g1", "incremental");
        Path atFull = convert(disk, "at-full.raw");
        assertThat(full.live()).isTrue();
        assertThat(full.backup().fullFallback()).isTrue();
        assertThat(lab.vm("g1").state()).isEqualTo(VmState.RUNNING);
        assertThat(leftOver("g1")).as("the temporary copies are gone").isEmpty();

        // the guest writes "hyperlab-guest boot 2" over its boot record: the same QEMU, its bitmap recording
        lab.vm("g1").reboot(BOOT);
        assertThat(lab.vm("g1").console(0).text()).contains("boot 2");
        BackupRun inc = repo.run("g1", "incremental");
        Path atInc = convert(disk, "at-inc.raw");
        assertThat(inc.live()).isTrue();
        assertThat(inc.backup().fullFallback()).as(String.join("; ", inc.backup().notes())).isFalse();
        assertThat(inc.backup().parents()).containsExactly(full.backup().id());
        assertThat(inc.backup().bytesRead()).as("only the clusters the guest wrote").isPositive()
                .isLessThanOrEqualTo(1L << 20).isLessThan(full.backup().bytesRead() / 10);

        assertThat(Files.mismatch(restored(repo, full.backup().id(), "full.raw"), atFull)).isEqualTo(-1);
        assertThat(Files.mismatch(restored(repo, inc.backup().id(), "inc.raw"), atInc)).isEqualTo(-1);
        assertThat(Files.mismatch(atFull, atInc)).as("the guest did write").isNotEqualTo(-1);
        assertThat(repo.check(true).errors()).isEmpty();
        List<TimelinePhase> rows = backupRows("g1");
        assertThat(rows).as("each live backup is a timeline row, as a simulated VM's").hasSize(2)
                .allSatisfy(p -> assertThat(p.step()).isEqualTo("live, blockdev-backup"));
        assertThat(rows.get(0).end().orElseThrow()).isGreaterThanOrEqualTo(rows.get(0).start())
                .isLessThanOrEqualTo(rows.get(1).start());

        // the drill: a new real VM boots from the restored disk (its third boot record)
        BackupRestore drill = repo.restoreAsVm(inc.backup().id(), "g2", "", BOOT);
        assertThat(lab.vm("g2").state()).isEqualTo(VmState.RUNNING);
        assertThat(drill.bootTime()).isPositive();
        assertThat(drill.disks().getFirst().path()).endsWith("vms/g2/disk0.qcow2");
        assertThat(lab.vm("g2").console(0).text()).contains("boot 3");

        // QEMU stores the persistent bitmap in the qcow2 when it shuts down cleanly; hyperlab's own code then counts
        // the next incremental from it
        BackupRun g2Live = repo.run("g2", "incremental");
        assertThat(g2Live.live()).isTrue();
        lab.vm("g2").shutdown(BOOT);
        BackupRun g2Off = repo.run("g2", "incremental");
        assertThat(g2Off.live()).isFalse();
        assertThat(g2Off.backup().fullFallback()).as(String.join("; ", g2Off.backup().notes())).isFalse();
        assertThat(g2Off.backup().parents()).containsExactly(g2Live.backup().id());
        assertThat(g2Off.backup().bytesRead()).isLessThanOrEqualTo(1L << 20);

        // a backup that fails while QEMU lives on (here the repository's side fails after the point) keeps the bitmap as
        // it was: the next incremental still holds every cluster written since the last backup that was recorded
        lab.vm("g1").reboot(BOOT); // the guest writes its third boot record
        assertThat(lab.vm("g1").console(0).text()).contains("boot 3");
        QemuBackups.afterPoint = vm -> {
            throw new LabException(LabException.Kind.IO, "injected: the repository's disk is full", "");
        };
        assertThatThrownBy(() -> repo.run("g1", "incremental")).isInstanceOf(LabException.class)
                .hasMessageContaining("injected");
        QemuBackups.afterPoint = vm -> {};
        assertThat(lab.vm("g1").state()).isEqualTo(VmState.RUNNING);
        assertThat(leftOver("g1")).isEmpty();
        BackupRun after = repo.run("g1", "incremental");
        Path atAfter = convert(disk, "at-after.raw");
        assertThat(after.backup().fullFallback()).as(String.join("; ", after.backup().notes())).isFalse();
        assertThat(after.backup().parents()).containsExactly(inc.backup().id());
        assertThat(Files.mismatch(restored(repo, after.backup().id(), "after.raw"), atAfter)).isEqualTo(-1);
        assertThat(Files.mismatch(atInc, atAfter)).as("the guest wrote before the failed backup").isNotEqualTo(-1);

        // QEMU killed in the middle of a live backup: one error, nothing recorded, nothing left behind
        long qemu = pid("g1");
        QemuBackups.afterPoint = vm -> ProcessHandle.of(qemu).ifPresent(h -> {
            h.destroyForcibly();
            h.onExit().join();
        });
        assertThatThrownBy(() -> repo.run("g1", "incremental")).isInstanceOf(LabException.class)
                .hasMessageStartingWith("live backup of VM g1 failed: its QEMU ended during the backup; nothing was "
                        + "recorded");
        QemuBackups.afterPoint = vm -> {};
        assertThat(lab.vm("g1").state()).isEqualTo(VmState.CRASHED);
        assertThat(repo.list()).hasSize(5);
        assertThat(repo.check(true).errors()).isEmpty();
        assertThat(leftOver("g1")).isEmpty();
        assertThat(backupRows("g1")).as("a failed backup is no row").hasSize(3);

        // the crashed VM, read offline: QEMU writes a bitmap added while it runs into the qcow2 only when it closes the
        // image, so the killed one left none (one it had loaded would be flagged in use): the incremental is full
        BackupRun offline = repo.run("g1", "incremental");
        assertThat(offline.live()).isFalse();
        assertThat(offline.backup().fullFallback()).isTrue();
        assertThat(String.join("; ", offline.backup().notes())).contains("full backup of it instead");
        assertThat(Files.mismatch(restored(repo, offline.backup().id(), "offline.raw"), convert(disk, "now.raw")))
                .isEqualTo(-1);
    }
}
