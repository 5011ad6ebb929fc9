package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.BackupCheck;
import dev.hyperlab.api.lab.BackupRestore;
import dev.hyperlab.api.lab.BackupRun;
import dev.hyperlab.api.lab.Backups;
import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.TimelinePhase;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.VmInfo;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.backup.HostileRepos;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.Extent;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup facade on a lab in a directory: real bytes into a real repository, lab time from the model. A Windows
 * guest writes real data while it runs, which is what the incremental backups find in the dirty bitmap.
 */
class LabBackupsTest {
    @TempDir
    Path tmp;

    /** A running host with a running Windows VM with a data disk. */
    private static Vm setUp(Lab lab) {
        lab.createHost(HostSpec.of("h", 16, Sizes.parse("64GiB")));
        lab.host("h").install(HypervisorType.TYPE1);
        lab.host("h").powerOn();
        lab.host("h").waitFor(HostState.RUNNING, Duration.ofMinutes(10));
        Vm vm = lab.createVm(VmSpec.of("win", "h", 2, Sizes.parse("4GiB")).withOs("windows-server")
                .withDrivers(List.of("virtio-blk")).withDisks(List.of("64MiB")));
        vm.start();
        vm.waitFor(VmState.RUNNING, Duration.ofMinutes(10));
        return vm;
    }

    private static List<TimelinePhase> phases(Lab lab, String vm, String phase) {
        return lab.timeline(List.of(vm)).stream().filter(p -> p.phase().equals(phase)).toList();
    }

    @Test
    void aLiveBackupKeepsTheVmRunningWithItsPauseInTheTimeline() {
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 3)) {
            Vm vm = setUp(lab);
            Backups repo = lab.initBackups(tmp.resolve("repo").toString(), "");
            Duration before = lab.now();

            BackupRun run = repo.run("win", "full");

            assertThat(run.live()).isTrue();
            assertThat(run.started()).isEqualTo(before);
            assertThat(run.duration()).isPositive();
            assertThat(lab.now()).isEqualTo(before.plus(run.duration()));
            assertThat(vm.state()).isEqualTo(VmState.RUNNING);
            assertThat(vm.snapshots()).as("the temporary snapshot is gone").isEmpty();
            TimelinePhase pause = phases(lab, "win", "snapshot").getLast();
            assertThat(pause.step()).isEqualTo("backup snapshot");
            assertThat(pause.start()).isEqualTo(before);
            assertThat(pause.end()).isPresent();
            TimelinePhase backup = phases(lab, "win", "backup").getLast();
            assertThat(backup.start()).isEqualTo(before);
            assertThat(backup.end()).contains(before.plus(run.duration()));
            assertThat(run.backup().bytesRead()).isPositive();
            assertThat(run.backup().strategy()).isEqualTo("full");
            assertThat(run.backup().disks()).extracting(d -> d.name()).containsExactly("disk0", "disk1");
            assertThat(repo.list()).extracting(b -> b.id()).containsExactly(run.backup().id());
            assertThat(repo.check(true).ok()).isTrue();
        }
    }

    @Test
    void anIncrementalBackupReadsOnlyTheClustersWrittenSinceTheLastOne() {
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 3)) {
            setUp(lab);
            Backups repo = lab.initBackups(tmp.resolve("repo").toString(), "");
            BackupRun first = repo.run("win", "incremental");
            assertThat(first.backup().fullFallback()).as("no backup yet to count from").isTrue();
            assertThat(first.backup().notes()).anyMatch(n -> n.contains("never cleared by a backup"));

            lab.advance("30s"); // the guest writes logs and database pages
            long predicted;
            Lab dry = lab.fork();
            try {
                predicted = dry.backups(tmp.resolve("repo").toString(), "").run("win", "incremental").backup()
                        .bytesRead();
            } finally {
                dry.close();
            }
            BackupRun second = repo.run("win", "incremental");
            assertThat(predicted).as("the dry run reads the same dirty bitmap").isEqualTo(second.backup().bytesRead());

            assertThat(second.backup().fullFallback()).isFalse();
            assertThat(second.backup().parents()).containsExactly(first.backup().id());
            assertThat(second.backup().bytesRead()).isPositive()
                    .isLessThan(first.backup().bytesRead())
                    .as("whole 64 KiB clusters").isEqualTo(second.backup().bytesRead() / 65536 * 65536);
            assertThat(second.duration()).isLessThan(first.duration());

            BackupRun third = repo.run("win", "incremental");
            assertThat(third.backup().bytesRead()).as("nothing written between the two").isZero();
            // a backup that reads nothing still lasts until the VM's pause for its snapshot ends: the VM runs after
            // it, and the next backup of it is taken
            assertThat(lab.vm("win").state()).isEqualTo(VmState.RUNNING);
            assertThat(repo.run("win", "incremental").backup().bytesRead()).isZero();
        }
    }

    @Test
    void aBrokenChainFallsBackToAFullBackupAndSaysWhy() {
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 3)) {
            setUp(lab);
            Backups a = lab.initBackups(tmp.resolve("a").toString(), "");
            a.run("win", "incremental");
            lab.advance("1m");
            // another repository: the bitmap counts from a backup this one does not hold
            Backups b = lab.initBackups(tmp.resolve("b").toString(), "");
            BackupRun run = b.run("win", "incremental");
            assertThat(run.backup().fullFallback()).isTrue();
            assertThat(run.backup().notes()).anyMatch(n -> n.startsWith("disk disk0: backup ")
                    && n.contains("is not in the repository; full backup of it instead"));
        }
    }

    @Test
    void aRestoreToAPathIsByteIdenticalAndKeepsHoles() throws Exception {
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 3)) {
            Vm vm = setUp(lab);
            lab.advance("1m");
            vm.shutdown();
            vm.waitFor(VmState.SHUTOFF, Duration.ofMinutes(5));
            Backups repo = lab.initBackups(tmp.resolve("repo").toString(), "");
            BackupRun run = repo.run("win", "full");
            assertThat(run.live()).isFalse();
            String disk0 = vm.info().disks().getFirst().path();
            Path dir = tmp.resolve("restored");

            BackupRestore r = repo.restore(run.backup().id().substring(0, 8), dir.toString());

            assertThat(r.complete()).isTrue();
            assertThat(r.restoreTime()).as("outside the lab").isZero();
            assertThat(r.disks()).extracting(BackupRestore.RestoredDisk::path)
                    .containsExactly(dir.resolve("disk0.raw").toString(), dir.resolve("disk1.raw").toString());
            lab.close(); // flushes the VM's images before they are read beside the lab
            Path restored = dir.resolve("disk0.raw");
            assertIdentical(Path.of(disk0), restored);
            long data = dataBytes(restored);
            assertThat(data).as("zeros in the data are holes too")
                    .isPositive().isLessThanOrEqualTo(run.backup().disks().getFirst().dataBytes())
                    .isLessThan(Files.size(restored) / 2);
        }
    }

    @Test
    void aRestoreAsAVmBootsItAndItsRecoveryTimeIsRestorePlusBoot() {
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 3)) {
            Vm vm = setUp(lab);
            Backups repo = lab.initBackups(tmp.resolve("repo").toString(), "");
            BackupRun run = repo.run("win", "full");

            BackupRestore r = repo.restoreAsVm(run.backup().id(), "win2", "");

            assertThat(r.host()).isEqualTo("h");
            assertThat(r.hostChoice()).isEqualTo("original host");
            assertThat(r.complete()).isTrue();
            Vm copy = lab.vm("win2");
            assertThat(copy.state()).isEqualTo(VmState.RUNNING);
            VmInfo a = vm.info();
            VmInfo b = copy.info();
            assertThat(List.of(b.vcpus(), b.memory(), b.firmware(), b.os(), b.drivers()))
                    .isEqualTo(List.of(a.vcpus(), a.memory(), a.firmware(), a.os(), a.drivers()));
            List<TimelinePhase> t = lab.timeline(List.of("win2"));
            assertThat(t.getFirst().phase()).isEqualTo("restore");
            assertThat(t.getFirst().start()).isEqualTo(r.started());
            assertThat(t.getFirst().end()).contains(r.started().plus(r.restoreTime()));
            assertThat(t.get(1).start()).as("the boot follows the restore").isEqualTo(r.started().plus(r.restoreTime()));
            assertThat(t.getLast().end()).contains(r.started().plus(r.recoveryTime()));
            assertThat(r.restoreTime()).isPositive();
            assertThat(r.bootTime()).isPositive();
            assertThat(r.recoveryTime()).isEqualTo(r.restoreTime().plus(r.bootTime()));
            assertThat(lab.now()).isEqualTo(r.started().plus(r.recoveryTime()));

            assertThatThrownBy(() -> repo.restoreAsVm(run.backup().id(), "win2", "")).isInstanceOf(LabException.class)
                    .hasMessageContaining("already exists");
        }
    }

    @Test
    void aDamagedRepositoryRestoresWhatIsIntactAndNamesTheRest() throws Exception {
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 3)) {
            setUp(lab);
            Path dir = tmp.resolve("repo");
            Backups repo = lab.initBackups(dir.toString(), "");
            BackupRun run = repo.run("win", "full");
            Path pack;
            try (Stream<Path> s = Files.walk(dir.resolve("data"))) {
                pack = s.filter(Files::isRegularFile).sorted().findFirst().orElseThrow();
            }
            try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
                f.seek(100);
                int b = f.read();
                f.seek(100);
                f.write(b ^ 0xff);
            }

            BackupCheck check = lab.backups(dir.toString(), "").check(true);
            assertThat(check.ok()).isFalse();
            assertThat(check.damagedBackups()).containsExactly(run.backup().id());

            BackupRestore r = repo.restore(run.backup().id(), tmp.resolve("out").toString());
            assertThat(r.complete()).isFalse();
            assertThat(r.damaged()).isNotEmpty().allMatch(d -> d.startsWith("disk disk"));
            assertThat(String.join("\n", r.damaged())).contains(pack.getFileName().toString().substring(0, 8));
        }
    }

    /**
     * Issue 13, item 1: a manifest re-named by its own SHA-256 names a disk {@code ../x/PWNED}. The restore refuses it
     * as damage and creates nothing, neither outside the target nor the target itself; check calls it damage.
     */
    @Test
    void aRestoreNeverWritesOutsideItsTargetWhateverTheManifestSays() throws Exception {
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 3)) {
            setUp(lab);
            Path dir = tmp.resolve("repo");
            Backups repo = lab.initBackups(dir.toString(), "");
            String id = repo.run("win", "full").backup().id();
            Path outside = Files.createDirectories(tmp.resolve("x"));
            String forged = HostileRepos.editManifest(dir, id, m -> HostileRepos.disk(m, 1).put("name", "../x/PWNED"));
            Path target = tmp.resolve("restored");

            assertThatThrownBy(() -> repo.restore(forged.substring(0, 8), target.toString()))
                    .isInstanceOf(LabException.class).hasMessageContaining("is damaged");
            assertThat(outside.resolve("PWNED.raw")).doesNotExist();
            assertThat(target).doesNotExist();
            BackupCheck check = repo.check(false);
            assertThat(check.ok()).isFalse();
            assertThat(check.damagedBackups()).containsExactly(forged);
        }
    }

    /**
     * Issue 13, item 16: crafted manifests (a disk of 512 bytes whose map holds megabytes, a negative size) are refused
     * whole: no partial restore that looks like success, no VM defined from them.
     */
    @Test
    void aCraftedManifestIsRefusedWithoutAPartialRestore() throws Exception {
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 3)) {
            setUp(lab);
            Path dir = tmp.resolve("repo");
            Backups repo = lab.initBackups(dir.toString(), "");
            String id = repo.run("win", "full").backup().id();
            String tiny = HostileRepos.editManifest(dir, id, m -> HostileRepos.disk(m, 0).put("virtualSize", 512L));
            Path target = tmp.resolve("restored");
            assertThatThrownBy(() -> repo.restore(tiny.substring(0, 8), target.toString()))
                    .isInstanceOf(LabException.class).hasMessageContaining("is damaged").hasMessageContaining("virtual size 512");
            assertThat(target).doesNotExist();

            String negative = HostileRepos.editManifest(dir, tiny, m -> HostileRepos.disk(m, 0)
                    .put("virtualSize", -(1L << 30)));
            assertThatThrownBy(() -> repo.restoreAsVm(negative.substring(0, 8), "copy", ""))
                    .isInstanceOf(LabException.class).hasMessageContaining("is damaged");
            assertThat(lab.vms()).extracting(Vm::name).doesNotContain("copy");
        }
    }

    @Test
    void badRequestsAreRefusedInOneLine() {
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 3)) {
            setUp(lab);
            Backups repo = lab.initBackups(tmp.resolve("repo").toString(), "secret");
            assertThat(repo.encrypted()).isTrue();
            assertThatThrownBy(() -> repo.run("nope", "full")).isInstanceOf(LabException.class)
                    .hasMessage("no VM named 'nope' (vm list shows the VMs)");
            assertThatThrownBy(() -> repo.run("win", "weekly")).isInstanceOf(LabException.class)
                    .hasMessageStartingWith("no backup strategy 'weekly'");
            assertThatThrownBy(() -> lab.backups(tmp.resolve("repo").toString(), "wrong"))
                    .isInstanceOf(LabException.class).hasMessageContaining("wrong password");
            assertThatThrownBy(() -> lab.backups(tmp.resolve("none").toString(), ""))
                    .isInstanceOf(LabException.class).hasMessageStartingWith("no backup repository in ");
            assertThatThrownBy(() -> repo.backup("zz")).isInstanceOf(LabException.class)
                    .hasMessageContaining("bad backup id");
            assertThat(lab.timeline(List.of("win"))).noneMatch(p -> p.phase().equals("backup"));
        }
    }

    /**
     * Byte for byte, without reading tens of GiB of holes: where the source (read through its backing chain) has data
     * the two digests agree; where it has none, the copy has none either (a hole reads as zeros in both).
     */
    static void assertIdentical(Path source, Path copy) throws Exception {
        MessageDigest a = MessageDigest.getInstance("SHA-256");
        MessageDigest b = MessageDigest.getInstance("SHA-256");
        try (DiskImage src = DiskImages.open(source, true); DiskImage dst = DiskImages.open(copy, true)) {
            assertThat(dst.virtualSize()).isEqualTo(src.virtualSize());
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            for (Extent e : src.map(0, src.virtualSize())) {
                if (!e.data()) {
                    assertThat(dst.map(e.offset(), e.length())).as("hole at " + e.offset()).noneMatch(Extent::data);
                    continue;
                }
                for (long p = e.offset(); p < e.end(); p += buf.limit()) {
                    buf.clear().limit((int) Math.min(buf.capacity(), e.end() - p));
                    src.read(p, buf);
                    a.update(buf.flip());
                    buf.clear().limit((int) Math.min(buf.capacity(), e.end() - p));
                    dst.read(p, buf);
                    b.update(buf.flip());
                }
            }
        }
        assertThat(HexFormat.of().formatHex(b.digest())).isEqualTo(HexFormat.of().formatHex(a.digest()));
    }

    static long dataBytes(Path image) throws Exception {
        long n = 0;
        try (DiskImage img = DiskImages.open(image, true)) {
            for (Extent e : img.map(0, img.virtualSize())) {
                n += e.data() ? e.length() : 0;
            }
        }
        return n;
    }
}
