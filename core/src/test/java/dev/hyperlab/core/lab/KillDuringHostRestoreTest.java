package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.BackupCheck;
import dev.hyperlab.api.lab.Backups;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.Wait;
import dev.hyperlab.core.SyscallKill;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at seeded writes of a bare-metal restore onto a host that was never installed: afterwards the host either
 * boots, and then its disk is the image byte for byte, or it does not boot ("No bootable device"); never does it boot
 * half restored. The repository checks clean, and the restore run again completes and boots.
 */
@Timeout(900)
class KillDuringHostRestoreTest {
    @TempDir
    Path tmp;

    /** pm1 installed and imaged, with 64 MiB of data past its boot loader; spare blank, off. */
    private static void prepare(Path dir) throws Exception {
        try (LocalLab lab = Labs.open(dir.resolve("lab"), 3)) {
            LabHostImagesTest.host(lab, "pm1", LabHostImagesTest.DISK);
            lab.host("pm1").install(dev.hyperlab.api.lab.HypervisorType.TYPE1);
            LabHostImagesTest.host(lab, "spare", LabHostImagesTest.DISK);
        }
        // data of the host's OS, beyond what host install wrote: many writes for the restore, so kills land inside
        byte[] data = new byte[64 << 20];
        new SplittableRandom(18).nextBytes(data);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("lab/hosts/pm1/disk0.raw").toFile(), "rw")) {
            f.seek(256L << 20);
            f.write(data);
        }
        try (LocalLab lab = Labs.open(dir.resolve("lab"), 3)) {
            lab.initBackups(dir.resolve("repo").toString(), "").image("pm1", "full");
        }
    }

    @Test
    void aKill9DuringABareMetalRestoreLeavesAHostThatDoesNotBootHalfRestored() throws Exception {
        SyscallKill.requireStrace();
        Path template = tmp.resolve("template");
        prepare(template);
        Path countDir = SyscallKill.copy(template, tmp.resolve("count"));
        int total = SyscallKill.count(SyscallKill.java(KillDuringHostRestoreChild.class, countDir.toString()),
                List.of("pwrite64"), tmp.resolve("strace.log")).get("pwrite64");
        assertThat(total).isGreaterThan(12);
        int killed = 0;
        int unbootable = 0;
        // points in the first half: the count run and a kill run need not make as many writes (under load the
        // restore's threads write in other pieces), so a late point may find the restore already done
        for (int n : List.of(2, total / 8, total / 4, total / 2)) {
            Path dir = SyscallKill.copy(template, tmp.resolve("kill-" + n));
            boolean finished = SyscallKill.killAt(SyscallKill.java(KillDuringHostRestoreChild.class, dir.toString()),
                    "pwrite64", n).finished();
            killed += finished ? 0 : 1;
            String as = "killed at pwrite64 #" + n + " of " + total;
            try (LocalLab lab = Labs.open(dir.resolve("lab"), 3)) {
                var spare = lab.host("spare");
                if (spare.state() != HostState.OFF) {
                    spare.powerOff();
                }
                spare.powerOn();
                try {
                    spare.waitFor(HostState.RUNNING, Duration.ofMinutes(10));
                } catch (dev.hyperlab.api.lab.LabException e) {
                    assertThat(spare.state()).as(as).isEqualTo(HostState.FAILED);
                    assertThat(spare.info().reason()).as(as).contains("No bootable device");
                    unbootable++;
                }
            }
            if (lastBooted(dir)) {
                LabHostImagesTest.assertSameBytes(dir.resolve("lab/hosts/pm1/disk0.raw"),
                        dir.resolve("lab/hosts/spare/disk0.raw"));
            }
            try (LocalLab lab = Labs.open(dir.resolve("lab"), 3)) {
                Backups repo = lab.backups(dir.resolve("repo").toString(), "");
                BackupCheck check = repo.check(true);
                assertThat(check.errors()).as(as).isEmpty();
                var again = repo.restoreToHost(repo.list().getFirst().id(), "spare", Wait.DONE);
                assertThat(again.complete()).as(as).isTrue();
                assertThat(lab.host("spare").state()).as(as + ": the rerun boots").isEqualTo(HostState.RUNNING);
            }
            LabHostImagesTest.assertSameBytes(dir.resolve("lab/hosts/pm1/disk0.raw"),
                    dir.resolve("lab/hosts/spare/disk0.raw"));
            SyscallKill.works("rm", "-rf", dir.toString());
        }
        assertThat(killed).as("the kills landed inside the restore").isGreaterThanOrEqualTo(3);
        assertThat(unbootable).as("a host killed mid-restore does not boot").isGreaterThanOrEqualTo(3);
    }

    /**
     * A restore onto a running host powers it off, and the lab says so before the first byte is written: killed in the
     * middle, the host used to stay listed as running on a half-written disk, and took VMs.
     */
    @Test
    void aRunningHostKilledMidRestoreIsListedOffAndDoesNotBoot() throws Exception {
        SyscallKill.requireStrace();
        Path dir = tmp.resolve("running");
        prepare(dir);
        try (LocalLab lab = Labs.open(dir.resolve("lab"), 3)) {
            var spare = lab.host("spare");
            spare.install(dev.hyperlab.api.lab.HypervisorType.TYPE1);
            spare.powerOn();
            spare.waitFor(HostState.RUNNING, Duration.ofMinutes(10));
        }
        Path countDir = SyscallKill.copy(dir, tmp.resolve("running-count"));
        int total = SyscallKill.count(SyscallKill.java(KillDuringHostRestoreChild.class, countDir.toString()),
                List.of("pwrite64"), tmp.resolve("running-strace.log")).get("pwrite64");
        // a quarter of the way: past the repository's lock and the boot disk's zeroed head, well before the end
        boolean finished = SyscallKill.killAt(SyscallKill.java(KillDuringHostRestoreChild.class, dir.toString()),
                "pwrite64", Math.max(3, total / 4)).finished();
        assertThat(finished).as("killed inside the restore (" + total + " writes)").isFalse();
        try (LocalLab lab = Labs.open(dir.resolve("lab"), 3)) {
            var spare = lab.host("spare");
            assertThat(spare.state()).as("the lab after the kill").isEqualTo(HostState.OFF);
            spare.powerOn();
            try {
                spare.waitFor(HostState.RUNNING, Duration.ofMinutes(10));
            } catch (dev.hyperlab.api.lab.LabException e) {
                // expected: the boot disk's head is written last
            }
            assertThat(spare.state()).isEqualTo(HostState.FAILED);
            assertThat(spare.info().reason()).contains("No bootable device");
        }
    }

    /** Whether the spare ran after the power-on following the kill (its lab was saved on close). */
    private static boolean lastBooted(Path dir) {
        try (LocalLab lab = Labs.open(dir.resolve("lab"), 3)) {
            return lab.host("spare").state() == HostState.RUNNING;
        }
    }
}
