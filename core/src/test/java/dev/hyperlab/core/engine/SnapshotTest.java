package dev.hyperlab.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.SnapshotConsistency;
import dev.hyperlab.api.lab.SnapshotInfo;
import dev.hyperlab.api.lab.SnapshotOptions;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.TimelinePhase;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.lab.Labs;
import dev.hyperlab.core.lab.LocalLab;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.QemuImg;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots through the facade on a lab in a directory: state, disks, tree, and the images as QEMU sees them. */
class SnapshotTest {
    @TempDir
    Path tmp;

    /** A running host and a VM with an OS disk and a blank data disk, created but not started. */
    static Vm setUp(Lab lab, List<String> drivers) {
        lab.createHost(HostSpec.of("h", 8, Sizes.parse("64GiB")));
        lab.host("h").install(HypervisorType.TYPE1);
        lab.host("h").powerOn();
        lab.host("h").waitFor(HostState.RUNNING, Duration.ofMinutes(10));
        return lab.createVm(VmSpec.of("web", "h", 2, Sizes.parse("2GiB")).withOs("linux-server")
                .withDisks(List.of("64MiB")).withDrivers(drivers));
    }

    private static DiskImage disk(LocalLab lab, String path) {
        return lab.model().images().open(path);
    }

    private static byte[] read(DiskImage img, long offset, int length) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(length);
        img.read(offset, b);
        return b.array();
    }

    private static void write(DiskImage img, long offset, byte[] data) throws Exception {
        img.write(offset, ByteBuffer.wrap(data));
    }

    private static List<TimelinePhase> phases(Lab lab, String phase) {
        return lab.timeline(List.of("web")).stream().filter(p -> p.phase().equals(phase)).toList();
    }

    @Test
    void aSnapshotMidBootPausesTheVmAndItGoesOnExactlyWhereItWas() {
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 3)) {
            Vm vm = setUp(lab, List.of());
            vm.start();
            lab.advance("4s"); // in init: the guest has touched its memory
            assertThat(vm.state()).isEqualTo(VmState.STARTING);
            String before = vm.stateDigest();

            SnapshotInfo s = vm.createSnapshot("mid-boot", SnapshotOptions.DEFAULT.withDescription("in the kernel"));

            assertThat(s.stateDigest()).isEqualTo(before);
            assertThat(s.diskOnly()).isFalse();
            assertThat(s.state()).isEqualTo(VmState.STARTING);
            assertThat(s.consistency()).isEqualTo(SnapshotConsistency.CRASH);
            assertThat(s.vmStateSize()).isPositive();
            assertThat(s.memory()).isPositive();
            assertThat(s.current()).isTrue();
            assertThat(s.created()).isEqualTo(lab.now());
            assertThat(s.disks()).containsExactly("disk0", "disk1");
            assertThat(vm.state()).isEqualTo(VmState.PAUSED);

            vm.waitFor(VmState.STARTING, Duration.ofMinutes(5));
            assertThat(vm.stateDigest()).as("the pause froze the boot and gave it back unchanged").isEqualTo(before);
            TimelinePhase pause = phases(lab, "snapshot").getFirst();
            assertThat(pause.step()).isEqualTo("save state");
            assertThat(pause.end().orElseThrow()).isGreaterThan(pause.start());
            vm.waitFor(VmState.RUNNING, Duration.ofMinutes(5));
        }
    }

    @Test
    void theBootEndsLaterByExactlyThePause() {
        Duration plain;
        try (LocalLab lab = Labs.open(tmp.resolve("plain"), 3)) {
            Vm vm = setUp(lab, List.of());
            vm.start();
            lab.advance("4s"); // in init: the guest has touched its memory
            vm.waitFor(VmState.RUNNING, Duration.ofMinutes(5));
            plain = lab.now();
        }
        try (LocalLab lab = Labs.open(tmp.resolve("paused"), 3)) {
            Vm vm = setUp(lab, List.of());
            vm.start();
            lab.advance("4s"); // in init: the guest has touched its memory
            vm.createSnapshot("s");
            vm.waitFor(VmState.RUNNING, Duration.ofMinutes(5));
            TimelinePhase pause = phases(lab, "snapshot").getFirst();
            Duration length = pause.end().orElseThrow().minus(pause.start());
            assertThat(length).isPositive();
            assertThat(lab.now().minus(plain).minus(length).abs().toNanos()).isLessThan(100);
        }
    }

    @Test
    void theSnapshotPauseGrowsWithTheMemoryInUseAndTheDiskSpeed() {
        Duration[] pauses = new Duration[2];
        String[] kinds = {"nvme:1TiB", "hdd:1TiB"};
        for (int i = 0; i < 2; i++) {
            try (LocalLab lab = Labs.open(tmp.resolve("k" + i), 3)) {
                lab.createHost(new HostSpec("h", 8, Sizes.parse("64GiB"), 0, "", List.of(
                        dev.hyperlab.api.lab.HostDiskSpec.parse(kinds[i])), List.of()));
                lab.host("h").install(HypervisorType.TYPE1);
                lab.host("h").powerOn();
                lab.host("h").waitFor(HostState.RUNNING, Duration.ofMinutes(10));
                Vm vm = lab.createVm(VmSpec.of("web", "h", 2, Sizes.parse("2GiB")).withOs("linux-server"));
                vm.start();
                vm.waitFor(VmState.RUNNING, Duration.ofMinutes(10));
                long inUse = vm.memory().resident() + vm.memory().swapped();
                SnapshotInfo s = vm.createSnapshot("s");
                assertThat(s.memory()).isEqualTo(inUse);
                vm.waitFor(VmState.RUNNING, Duration.ofMinutes(10));
                TimelinePhase p = phases(lab, "snapshot").getFirst();
                pauses[i] = p.end().orElseThrow().minus(p.start());
            }
        }
        assertThat(pauses[1]).as("an HDD writes the same state slower than NVMe").isGreaterThan(pauses[0].multipliedBy(5));
    }

    @Test
    void revertBringsBackTheDisksBytesAndTheRunningState() throws Exception {
        QemuImg.require();
        Path dir = tmp.resolve("lab");
        String digest;
        byte[] bootSector;
        byte[] dataBefore;
        try (LocalLab lab = Labs.open(dir, 3)) {
            Vm vm = setUp(lab, List.of("guest-tools"));
            vm.start();
            lab.advance("4s");
            String disk0 = lab.model().vmMachine("web").disks.get(0).path();
            String disk1 = lab.model().vmMachine("web").disks.get(1).path();
            bootSector = read(disk(lab, disk0), 0, 4096);
            dataBefore = read(disk(lab, disk1), 1 << 20, 4096);
            SnapshotInfo s = vm.createSnapshot("s1");
            assertThat(s.consistency()).isEqualTo(SnapshotConsistency.APPLICATION);
            digest = s.stateDigest();
            vm.waitFor(VmState.RUNNING, Duration.ofMinutes(5));

            // the guest writes after the snapshot: over its boot sector, and on its data disk
            byte[] junk = new byte[4096];
            Arrays.fill(junk, (byte) 0x5a);
            write(disk(lab, disk0), 0, junk);
            write(disk(lab, disk1), 1 << 20, junk);
            assertThat(read(disk(lab, disk0), 0, 4096)).isEqualTo(junk);
            lab.advance("10s");
            assertThat(vm.stateDigest()).isNotEqualTo(digest);

            vm.revertTo("s1");

            assertThat(read(disk(lab, disk0), 0, 4096)).as("the bytes written after the snapshot are gone").isEqualTo(bootSector);
            assertThat(read(disk(lab, disk1), 1 << 20, 4096)).isEqualTo(dataBefore);
            assertThat(vm.state()).isEqualTo(VmState.PAUSED);
            assertThat(phases(lab, "revert")).hasSize(1);
            vm.waitFor(VmState.STARTING, Duration.ofMinutes(5));
            assertThat(vm.stateDigest()).as("the VM is back in the state it had, work in progress included").isEqualTo(digest);
            vm.waitFor(VmState.RUNNING, Duration.ofMinutes(5));
        }
        // the images are sound for QEMU too, and list the snapshot with its VM state
        QemuImg.assertClean(dir.resolve("vms/web/disk0.qcow2"));
        QemuImg.assertClean(dir.resolve("vms/web/disk1.qcow2"));
        String list = QemuImg.img("snapshot", "-l", dir.resolve("vms/web/disk0.qcow2").toString()).ok().out();
        assertThat(list).contains("s1");
        assertThat(list).doesNotContain(" 0 B ");
        // and the reverted lab was saved: another process opens it as it is
        try (LocalLab lab = Labs.open(dir, 3)) {
            assertThat(lab.vm("web").state()).isEqualTo(VmState.RUNNING);
            assertThat(lab.vm("web").snapshot("s1").current()).isTrue();
        }
    }

    @Test
    void aLabSavedInTheMiddleOfAPauseOrALoadGoesOnByteForByteAsOneThatNeverStopped() throws Exception {
        String digest;
        try (LocalLab lab = Labs.open(tmp.resolve("a"), 3)) {
            Vm vm = setUp(lab, List.of());
            vm.start();
            lab.advance("4s");
            vm.createSnapshot("s");
            lab.advance("20s");
            vm.revertTo("s");
            lab.advance("20s");
            digest = vm.stateDigest();
        }
        Path b = tmp.resolve("b");
        try (LocalLab lab = Labs.open(b, 3)) {
            Vm vm = setUp(lab, List.of());
            vm.start();
            lab.advance("4s");
            vm.createSnapshot("s");
        }
        try (LocalLab lab = Labs.open(b, 3)) {
            assertThat(lab.vm("web").state()).isEqualTo(VmState.PAUSED);
            lab.advance("20s");
            lab.vm("web").revertTo("s");
        }
        try (LocalLab lab = Labs.open(b, 3)) {
            assertThat(lab.vm("web").state()).isEqualTo(VmState.PAUSED);
            lab.advance("20s");
            assertThat(lab.vm("web").stateDigest()).isEqualTo(digest);
        }
        assertThat(java.nio.file.Files.readString(b.resolve("events.log")))
                .isEqualTo(java.nio.file.Files.readString(tmp.resolve("a/events.log")));
    }

    @Test
    void aBackupReadsATemporaryDiskSnapshotOfARunningVmAndAKilledOneLeavesNone() throws Exception {
        Path dir = tmp.resolve("lab");
        byte[] sector;
        try (LocalLab lab = Labs.open(dir, 3)) {
            Vm vm = setUp(lab, List.of());
            vm.start();
            vm.waitFor(VmState.RUNNING, Duration.ofMinutes(5));
            LabModel m = lab.model();
            String path0 = m.vmMachine("web").disks.get(0).path();
            sector = read(disk(lab, path0), 0, 512);
            m.takeDiskSnapshots("web", "backup-1", () -> {});
            write(disk(lab, path0), 0, new byte[512]); // the VM goes on writing
            DiskImage view = m.diskAtSnapshot("web", "disk0", "backup-1");
            assertThat(read(view, 0, 512)).isEqualTo(sector);
            assertThat(view.readOnly()).isTrue();
            assertThat(view.map(0, 1 << 20)).isNotEmpty();
            assertThat(vm.state()).as("no pause for a disk-only snapshot taken for a backup").isEqualTo(VmState.RUNNING);
            m.dropDiskSnapshots("web", "backup-1");
            assertThat(vm.snapshots()).isEmpty();

            // a process killed between the two: the saved job makes the next load take the snapshot away
            java.lang.reflect.Method checkpoint = LocalLab.class.getDeclaredMethod("checkpoint");
            checkpoint.setAccessible(true);
            m.takeDiskSnapshots("web", "backup-2", () -> {
                try {
                    checkpoint.invoke(lab);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(vm.snapshots()).extracting(SnapshotInfo::name).containsExactly("backup-2");
        }
        try (LocalLab lab = Labs.open(dir, 3)) {
            assertThat(lab.vm("web").snapshots()).isEmpty();
        }
    }

    @Test
    void aRawDiskCannotHoldSnapshotsAndTheVmIsLeftAlone() throws Exception {
        Path raw = tmp.resolve("data.raw");
        dev.hyperlab.core.storage.DiskImages.create(raw, dev.hyperlab.core.storage.ImageFormat.RAW, 16 << 20).close();
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 3)) {
            setUp(lab, List.of());
            Vm vm = lab.createVm(VmSpec.of("db", "h", 1, Sizes.parse("1GiB")).withOs("linux-server")
                    .withDisks(List.of(raw.toString())));
            assertThatThrownBy(() -> vm.createSnapshot("s")).isInstanceOf(LabException.class)
                    .hasMessageContaining("VM db disk1: image " + raw + " is raw, which cannot hold internal snapshots")
                    .hasMessageContaining("convert it to qcow2");
            assertThat(vm.snapshots()).isEmpty();
        }
    }

    @Test
    void aStoppedVmsSnapshotIsDiskOnlyAndRevertingStopsARunningVm() throws Exception {
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 3)) {
            Vm vm = setUp(lab, List.of());
            SnapshotInfo off = vm.createSnapshot("fresh");
            assertThat(off.diskOnly()).isTrue();
            assertThat(off.vmStateSize()).isZero();
            assertThat(off.consistency()).isEqualTo(SnapshotConsistency.OFFLINE);
            assertThat(off.state()).isEqualTo(VmState.DEFINED);
            assertThat(phases(lab, "snapshot")).isEmpty();

            vm.start();
            vm.waitFor(VmState.RUNNING, Duration.ofMinutes(5));
            SnapshotInfo disks = vm.createSnapshot("disks", SnapshotOptions.DEFAULT.withDiskOnly());
            assertThat(disks.diskOnly()).isTrue();
            assertThat(disks.parent()).isEqualTo("fresh");
            vm.waitFor(VmState.RUNNING, Duration.ofMinutes(5));
            assertThat(phases(lab, "snapshot").getFirst().step()).isEqualTo("disk snapshot");

            vm.revertTo("disks");
            assertThat(vm.state()).as("a disk-only snapshot has no memory to run from").isEqualTo(VmState.SHUTOFF);
            assertThat(lab.host("h").memory().committed()).isZero();
            vm.revertTo("fresh");
            assertThat(vm.state()).isEqualTo(VmState.DEFINED);
            vm.start();
            vm.waitFor(VmState.RUNNING, Duration.ofMinutes(5));
        }
    }

    @Test
    void snapshotsFormATreeAndDeletingTheCurrentsParentKeepsEveryOtherSnapshotUsable() throws Exception {
        QemuImg.require();
        Path dir = tmp.resolve("lab");
        try (LocalLab lab = Labs.open(dir, 3)) {
            Vm vm = setUp(lab, List.of());
            vm.createSnapshot("a");
            vm.createSnapshot("b");
            vm.revertTo("a");
            vm.createSnapshot("c");
            vm.createSnapshot("d");
            assertThat(vm.snapshot("a").children()).containsExactly("b", "c");
            assertThat(vm.snapshot("d").parent()).isEqualTo("c");
            assertThat(vm.snapshot("d").current()).isTrue();

            // c is the current snapshot's parent: its child moves up to a, the current one stays current
            assertThat(vm.deleteSnapshot("c", false)).containsExactly("c");
            assertThat(vm.snapshot("d").parent()).isEqualTo("a");
            assertThat(vm.snapshot("d").current()).isTrue();
            assertThat(vm.snapshot("a").children()).containsExactly("b", "d");

            vm.revertTo("b");
            vm.revertTo("d");
            // deleting the current one makes its parent current; --children takes the subtree
            assertThat(vm.deleteSnapshot("a", true)).containsExactly("a", "b", "d");
            assertThat(vm.snapshots()).isEmpty();
        }
        QemuImg.assertClean(dir.resolve("vms/web/disk0.qcow2"));
        QemuImg.assertClean(dir.resolve("vms/web/disk1.qcow2"));
        assertThat(QemuImg.img("snapshot", "-l", dir.resolve("vms/web/disk0.qcow2").toString()).ok().out().trim())
                .isEmpty();
    }

    @Test
    void deletingFreesTheClustersOnlyTheSnapshotHeld() throws Exception {
        QemuImg.require();
        Path dir = tmp.resolve("lab");
        Path file = dir.resolve("vms/web/disk1.qcow2");
        long before;
        try (LocalLab lab = Labs.open(dir, 3)) {
            Vm vm = setUp(lab, List.of());
            String disk1 = lab.model().vmMachine("web").disks.get(1).path();
            byte[] data = new byte[4 << 20];
            Arrays.fill(data, (byte) 1);
            write(disk(lab, disk1), 0, data);
            lab.advance("1s");
            before = allocated(file);
            vm.createSnapshot("s");
            Arrays.fill(data, (byte) 2);
            write(disk(lab, disk1), 0, data); // copy-on-write: the snapshot keeps the old clusters
            lab.advance("1s");
            assertThat(allocated(file) - before).isGreaterThanOrEqualTo(4 << 20);
            vm.deleteSnapshot("s", false);
            lab.advance("1s");
        }
        QemuImg.Result check = QemuImg.img("check", "--output=json", file.toString()).ok();
        assertThat(check.out()).doesNotContain("\"leaks\"");
        // the freed clusters are free in the refcounts: writing 4 MiB more grows nothing
        try (LocalLab lab = Labs.open(dir, 3)) {
            String disk1 = lab.model().vmMachine("web").disks.get(1).path();
            long size = java.nio.file.Files.size(file);
            byte[] data = new byte[4 << 20];
            Arrays.fill(data, (byte) 3);
            write(disk(lab, disk1), 8 << 20, data);
            lab.advance("1s");
            assertThat(java.nio.file.Files.size(file)).isEqualTo(size);
        }
        QemuImg.assertClean(file);
    }

    private static long allocated(Path file) throws Exception {
        return java.nio.file.Files.size(file);
    }

    @Test
    void qemuImgSeesHyperlabsSnapshotsAndHyperlabSeesQemuImgs() throws Exception {
        QemuImg.require();
        Path dir = tmp.resolve("lab");
        Path d0 = dir.resolve("vms/web/disk0.qcow2");
        Path d1 = dir.resolve("vms/web/disk1.qcow2");
        byte[] sector;
        byte[] atMine;
        try (LocalLab lab = Labs.open(dir, 3)) {
            Vm vm = setUp(lab, List.of());
            vm.start();
            vm.waitFor(VmState.RUNNING, Duration.ofMinutes(5));
            SnapshotInfo mine = vm.createSnapshot("mine");
            lab.advance("1m");
            vm.shutdown();
            vm.waitFor(VmState.SHUTOFF, Duration.ofMinutes(5));
            String path0 = lab.model().vmMachine("web").disks.get(0).path();
            sector = read(disk(lab, path0), 0, 512);
            atMine = read(lab.model().diskAtSnapshot("web", "disk0", "mine"), 0, 512);
            assertThat(mine.vmStateSize()).isPositive();
        }
        // QEMU lists hyperlab's snapshot, with its VM state on the first disk only, dated in lab time
        String l0 = QemuImg.img("snapshot", "-l", d0.toString()).ok().out();
        String l1 = QemuImg.img("snapshot", "-l", d1.toString()).ok().out();
        assertThat(l0).containsPattern("mine\\s+[1-9][0-9.]* [KM]?i?B 1970-01-01");
        assertThat(l1).containsPattern("mine\\s+0 B 1970-01-01");
        // and takes its own, which hyperlab then lists as external and disk-only
        QemuImg.img("snapshot", "-c", "ext", d0.toString()).ok();
        QemuImg.img("snapshot", "-c", "ext", d1.toString()).ok();
        QemuImg.img("snapshot", "-c", "only0", d0.toString()).ok();
        QemuImg.assertClean(d0);
        try (LocalLab lab = Labs.open(dir, 3)) {
            Vm vm = lab.vm("web");
            assertThat(vm.snapshots()).extracting(SnapshotInfo::name).containsExactly("mine", "ext", "only0");
            SnapshotInfo ext = vm.snapshot("ext");
            assertThat(ext.external()).isTrue();
            assertThat(ext.diskOnly()).isTrue();
            assertThat(ext.consistency()).isEqualTo(SnapshotConsistency.UNKNOWN);
            assertThat(ext.disks()).containsExactly("disk0", "disk1");
            assertThat(vm.snapshot("mine").external()).isFalse();
            assertThatThrownBy(() -> vm.revertTo("only0")).hasMessageContaining("is not on disk1");
            assertThatThrownBy(() -> vm.createSnapshot("ext")).hasMessageContaining("made outside hyperlab");

            String path0 = lab.model().vmMachine("web").disks.get(0).path();
            write(disk(lab, path0), 0, new byte[512]);
            vm.revertTo("ext");
            assertThat(read(disk(lab, path0), 0, 512)).isEqualTo(sector);
            assertThat(vm.state()).isEqualTo(VmState.SHUTOFF);
            vm.deleteSnapshot("ext", false);
            vm.deleteSnapshot("only0", false);
            assertThat(vm.snapshots()).extracting(SnapshotInfo::name).containsExactly("mine");
            byte[] junk = new byte[512];
            Arrays.fill(junk, (byte) 0x33);
            write(disk(lab, path0), 0, junk); // so that only applying 'mine' brings the boot sector back
            lab.advance("1s");
        }
        assertThat(QemuImg.img("snapshot", "-l", d0.toString()).ok().out()).doesNotContain("ext").contains("mine");
        QemuImg.assertClean(d0);
        QemuImg.assertClean(d1);
        // QEMU applies hyperlab's snapshot and reads what hyperlab's view of it reads
        Path copy = tmp.resolve("copy.qcow2");
        java.nio.file.Files.copy(d0, copy);
        QemuImg.img("rebase", "-u", "-b", dir.resolve("images/linux-server-bios.qcow2").toString(), "-F", "qcow2",
                copy.toString()).ok();
        // QEMU refuses to apply an internal snapshot under a dirty bitmap ("Device has active dirty bitmaps"): the
        // bitmap of hyperlab's changed-block tracking goes first, as it must before any revert done with QEMU
        QemuImg.img("bitmap", "--remove", copy.toString(), "hyperlab-cbt").ok();
        QemuImg.img("snapshot", "-a", "mine", copy.toString()).ok();
        Path raw = tmp.resolve("copy.raw");
        QemuImg.img("convert", "-O", "raw", copy.toString(), raw.toString()).ok();
        byte[] first = new byte[512];
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(raw.toFile(), "r")) {
            f.readFully(first);
        }
        assertThat(first).isEqualTo(atMine);
        assertThat(atMine).isEqualTo(sector);
    }

    @Test
    void badRequestsAreRefusedAndChangeNothing() {
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 3)) {
            Vm vm = setUp(lab, List.of());
            Vm other = lab.createVm(VmSpec.of("db", "h", 1, Sizes.parse("1GiB")).withOs("linux-server"));
            other.createSnapshot("only-db");
            vm.createSnapshot("s1");
            Duration t = lab.now();

            assertThatThrownBy(() -> vm.createSnapshot("s1")).isInstanceOf(LabException.class)
                    .hasMessageContaining("already has a snapshot named 's1'");
            assertThatThrownBy(() -> vm.revertTo("only-db")).isInstanceOf(LabException.class)
                    .hasMessageContaining("is a snapshot of VM db");
            assertThatThrownBy(() -> vm.deleteSnapshot("nope", false))
                    .hasMessage("VM web has no snapshot named 'nope' (snapshot list web shows its snapshots)");
            assertThatThrownBy(() -> vm.createSnapshot("has space")).hasMessageContaining("a space");
            assertThatThrownBy(() -> vm.createSnapshot("")).hasMessageContaining("1 to 128 characters");
            assertThatThrownBy(() -> vm.createSnapshot("-x")).hasMessageContaining("starts with '-'");

            vm.start();
            vm.waitFor(VmState.RUNNING, Duration.ofMinutes(5));
            vm.suspend();
            vm.waitFor(VmState.SUSPENDED, Duration.ofMinutes(5));
            assertThatThrownBy(() -> vm.createSnapshot("s2")).hasMessageContaining("is suspended");
            vm.resume();
            vm.waitFor(VmState.RUNNING, Duration.ofMinutes(5));
            vm.createSnapshot("s2");
            assertThatThrownBy(() -> vm.createSnapshot("s3")).hasMessageContaining("is paused");

            assertThat(vm.snapshots()).extracting(SnapshotInfo::name).containsExactly("s1", "s2");
            assertThat(other.snapshots()).extracting(SnapshotInfo::name).containsExactly("only-db");
            assertThat(t).isLessThanOrEqualTo(lab.now());
        }
    }

    @Test
    void snapshotsWorkInAnInMemoryLabAndADryRunChangesNothing() throws Exception {
        try (LocalLab lab = Labs.inMemory(3)) {
            Vm vm = setUp(lab, List.of());
            vm.start();
            lab.advance("4s"); // in init: the guest has touched its memory
            String digest = vm.createSnapshot("s").stateDigest();
            vm.waitFor(VmState.RUNNING, Duration.ofMinutes(5));
            String disk0 = lab.model().vmMachine("web").disks.get(0).path();
            byte[] sector = read(disk(lab, disk0), 0, 512);
            write(disk(lab, disk0), 0, new byte[512]);
            vm.revertTo("s");
            assertThat(read(disk(lab, disk0), 0, 512)).isEqualTo(sector);
            vm.waitFor(VmState.STARTING, Duration.ofMinutes(5));
            assertThat(vm.stateDigest()).isEqualTo(digest);
        }
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 3)) {
            Vm vm = setUp(lab, List.of());
            vm.createSnapshot("s");
            vm.start();
            vm.waitFor(VmState.RUNNING, Duration.ofMinutes(5));
            String digest = vm.stateDigest();
            Lab fork = lab.fork();
            try {
                fork.vm("web").createSnapshot("dry");
                fork.vm("web").revertTo("s");
                fork.vm("web").deleteSnapshot("s", false);
                assertThat(fork.vm("web").snapshots()).extracting(SnapshotInfo::name).containsExactly("dry");
                assertThat(fork.vm("web").state()).isEqualTo(VmState.DEFINED);
            } finally {
                fork.close();
            }
            assertThat(vm.snapshots()).extracting(SnapshotInfo::name).containsExactly("s");
            assertThat(vm.state()).isEqualTo(VmState.RUNNING);
            assertThat(vm.stateDigest()).isEqualTo(digest);
        }
    }
}
