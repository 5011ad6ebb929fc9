package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.BackupRestore;
import dev.hyperlab.api.lab.Backups;
import dev.hyperlab.api.lab.DiskKind;
import dev.hyperlab.api.lab.HostDiskSpec;
import dev.hyperlab.api.lab.HostImageRun;
import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.TimelinePhase;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.Wait;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.Extent;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Physical hosts' disk images and bare-metal restores on a lab in a directory: the host's real disk file goes into the
 * repository and comes back onto another host's disk, which then boots from it.
 */
class LabHostImagesTest {
    @TempDir
    Path tmp;

    static final long DISK = Sizes.parse("4GiB");

    /** A host with one NVMe disk of {@code size}. */
    static void host(Lab lab, String name, long size) {
        lab.createHost(HostSpec.of(name, 8, Sizes.parse("32GiB"))
                .withDisks(List.of(new HostDiskSpec(DiskKind.NVME, size))));
    }

    /** Host {@code name}, type 1 hypervisor installed, running. */
    static void runningHost(Lab lab, String name) {
        host(lab, name, DISK);
        lab.host(name).install(HypervisorType.TYPE1);
        lab.host(name).powerOn();
        lab.host(name).waitFor(HostState.RUNNING, Duration.ofMinutes(10));
    }

    private static List<TimelinePhase> phases(Lab lab, String machine, String phase) {
        return lab.timeline(List.of(machine)).stream().filter(p -> p.phase().equals(phase)).toList();
    }

    private static byte[] bytes(Path file, int n) throws java.io.IOException {
        try (var in = java.nio.file.Files.newInputStream(file)) {
            return in.readNBytes(n);
        }
    }

    /**
     * The two disks read the same everywhere either holds data (elsewhere both read as zeros). Holes need not match:
     * a restore onto an existing disk writes the blocks of zeros its data ranges hold, as a real imaging tool does.
     */
    static void assertSameBytes(Path a, Path b) throws Exception {
        try (DiskImage x = DiskImages.open(a, true); DiskImage y = DiskImages.open(b, true)) {
            assertThat(y.virtualSize()).isGreaterThanOrEqualTo(x.virtualSize());
            for (DiskImage img : List.of(x, y)) {
                for (Extent e : img.map(0, img.virtualSize())) {
                    for (long p = e.offset(); e.data() && p < e.end(); p += 1 << 20) {
                        int n = (int) Math.min(1 << 20, e.end() - p);
                        ByteBuffer bx = ByteBuffer.allocate(n);
                        ByteBuffer by = ByteBuffer.allocate(n);
                        if (p < x.virtualSize()) {
                            x.read(p, bx);
                        }
                        y.read(p, by);
                        assertThat(java.util.Arrays.mismatch(bx.array(), by.array())).as("first difference in the MiB at " + p)
                                .isEqualTo(-1);
                    }
                }
            }
        }
    }

    @Test
    void anOfflineImageTakesTheHostDownAndABareMetalRestoreBootsAnotherHostFromIt() throws Exception {
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 3)) {
            runningHost(lab, "pm1");
            host(lab, "spare", DISK);
            Backups repo = lab.initBackups(tmp.resolve("repo").toString(), "");
            Duration before = lab.now();

            HostImageRun run = repo.image("pm1", "full");

            assertThat(run.backup().isHostImage()).isTrue();
            assertThat(run.backup().vm()).isEqualTo("pm1");
            assertThat(run.backup().disks()).singleElement().satisfies(d -> {
                assertThat(d.name()).isEqualTo("disk0");
                assertThat(d.virtualSize()).isEqualTo(DISK);
                assertThat(d.dataBytes()).isPositive(); // the boot loader host install wrote
            });
            assertThat(run.environmentBoot()).as("POST and a live Linux boot").isGreaterThan(Duration.ofSeconds(10));
            assertThat(run.read()).isPositive();
            assertThat(lab.now()).isEqualTo(before.plus(run.downtime()));
            assertThat(run.poweredOn()).isTrue();
            assertThat(lab.host("pm1").state()).as("powered on again").isEqualTo(HostState.BOOTING);
            assertThat(phases(lab, "pm1", "imaging-boot")).singleElement()
                    .satisfies(p -> assertThat(p.start()).isEqualTo(before));
            assertThat(phases(lab, "pm1", "imaging")).hasSize(1);
            assertThat(repo.list()).singleElement().satisfies(b -> assertThat(b.kind()).isEqualTo("host-image"));

            // the spare has never been installed: only the restored disk can make it boot
            BackupRestore r = repo.restoreToHost(run.backup().id(), "spare", Wait.DONE);

            assertThat(r.complete()).isTrue();
            assertThat(r.warnings()).isEmpty();
            assertThat(r.host()).isEqualTo("spare");
            assertThat(r.restoreTime()).isPositive();
            assertThat(r.bootTime()).as("POST, boot search, GRUB, kernel, hypervisor").isGreaterThan(Duration.ofSeconds(10));
            assertThat(lab.host("spare").state()).isEqualTo(HostState.RUNNING);
            assertThat(lab.host("spare").info().hypervisor()).isEqualTo("type1");
            assertThat(phases(lab, "spare", "restore")).hasSize(1);
            assertThat(phases(lab, "spare", "bootloader")).isNotEmpty();
            // the restored host runs VMs
            lab.createVm(VmSpec.of("web", "spare", 1, Sizes.parse("1GiB")).withOs("linux-server")).start();
        }
        assertSameBytes(tmp.resolve("lab/hosts/pm1/disk0.raw"), tmp.resolve("lab/hosts/spare/disk0.raw"));
    }

    /**
     * Onto a larger disk the image's backup GPT would sit where the smaller disk ended, which sgdisk -v reports as a
     * problem; the restore moves it to the last sector, as sgdisk -e does, and the host boots.
     */
    @Test
    void aRestoreOntoALargerDiskMovesTheBackupGptToItsEnd() throws Exception {
        dev.hyperlab.core.storage.QemuImg.requireTool("sgdisk");
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 3)) {
            runningHost(lab, "pm1");
            host(lab, "big", 2 * DISK);
            Backups repo = lab.initBackups(tmp.resolve("repo").toString(), "");
            String id = repo.image("pm1", "full").backup().id();
            BackupRestore r = repo.restoreToHost(id, "big", Wait.DONE);
            assertThat(r.complete()).isTrue();
            assertThat(lab.host("big").state()).isEqualTo(HostState.RUNNING);
        }
        Path big = tmp.resolve("lab/hosts/big/disk0.raw");
        var v = dev.hyperlab.core.storage.QemuImg.tool("sgdisk", "-v", big.toString()).ok();
        assertThat(v.out()).contains("No problems found");
        var p = dev.hyperlab.core.storage.QemuImg.tool("sgdisk", "-p", big.toString()).ok();
        assertThat(p.out()).contains("last usable sector is " + (2 * DISK / 512 - 34));
    }

    @Test
    void aSmallerHostAnotherFirmwareAVmBackupAndAnImageAsAVmAreRefusedAndIncrementalFallsBackToFull() throws Exception {
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 3)) {
            runningHost(lab, "pm1");
            host(lab, "small", Sizes.parse("2GiB"));
            Backups repo = lab.initBackups(tmp.resolve("repo").toString(), "");
            HostImageRun run = repo.image("pm1", "incremental");
            assertThat(run.backup().fullFallback()).isTrue();
            assertThat(run.warnings()).singleElement().asString().contains("no change tracker");
            String id = run.backup().id();

            assertThatThrownBy(() -> repo.restoreToHost(id, "small", Wait.DONE)).isInstanceOf(LabException.class)
                    .hasMessageStartingWith("host small disk disk0 is 2 GiB, smaller than the image's disk disk0 (4 GiB)");
            assertThat(lab.host("small").state()).as("nothing changed").isEqualTo(HostState.OFF);

            // pm1 boots UEFI (the default): its image would be written onto a BIOS host's disk and then not boot
            lab.createHost(HostSpec.of("legacy", 8, Sizes.parse("32GiB")).withFirmware("bios")
                    .withDisks(List.of(new HostDiskSpec(DiskKind.NVME, DISK))));
            lab.host("legacy").install(HypervisorType.TYPE1);
            lab.host("legacy").powerOn();
            lab.host("legacy").waitFor(HostState.RUNNING, Duration.ofMinutes(10));
            byte[] before = bytes(tmp.resolve("lab/hosts/legacy/disk0.raw"), 1 << 20);
            assertThatThrownBy(() -> repo.restoreToHost(id, "legacy", Wait.DONE)).isInstanceOf(LabException.class)
                    .hasMessage("backup " + id.substring(0, 8) + " is an image of a host with uefi firmware, and host"
                            + " legacy has bios firmware: the image's boot disk would not boot there (restore it onto"
                            + " a host with uefi firmware (HostSpec(firmware) uefi))");
            assertThat(lab.host("legacy").state()).as("nothing changed").isEqualTo(HostState.RUNNING);
            assertThat(bytes(tmp.resolve("lab/hosts/legacy/disk0.raw"), 1 << 20)).isEqualTo(before);
            assertThatThrownBy(() -> repo.restoreAsVm(id, "copy", "pm1")).isInstanceOf(LabException.class)
                    .hasMessageContaining("is a physical host's image");

            lab.host("pm1").waitFor(HostState.RUNNING, Duration.ofMinutes(10));
            lab.createVm(VmSpec.of("web", "pm1", 1, Sizes.parse("1GiB")).withOs("linux-server"));
            String vmBackup = repo.run("web", "full").backup().id();
            assertThatThrownBy(() -> repo.restoreToHost(vmBackup, "small", Wait.DONE))
                    .isInstanceOf(LabException.class).hasMessageContaining("is a VM's backup");
            lab.vm("web").start();
            assertThatThrownBy(() -> repo.image("pm1", "full")).isInstanceOf(LabException.class)
                    .hasMessage("VM web runs on host pm1, and offline imaging shuts it down (shut it down first: "
                            + "vm shutdown web, and let it finish)");
        }
    }
}
