package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.DiskSpec;
import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.TimelinePhase;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.api.spi.BootDevice;
import dev.hyperlab.api.spi.BootOutcome;
import dev.hyperlab.api.spi.BootSearch;
import dev.hyperlab.api.spi.BootStep;
import dev.hyperlab.api.spi.FirmwareModel;
import dev.hyperlab.api.spi.MachineContext;
import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.guard.ExtensionGuard;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.layout.BootDiskProbe;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A boot disk whose boot sectors cannot be read (an L1 or L2 entry past the end of the file, an all-ones entry, a
 * compressed cluster that does not inflate) once the VM was created is a read error of the device, as a firmware
 * reports one: its start fails with SeaBIOS's or OVMF's words and the image's reason in vm info, after the firmware's
 * read in the timeline. Never an internal error.
 */
class UnreadableBootDiskTest {
    private static final long COPIED = 1L << 63;
    private static final long COMPRESSED = 1L << 62;

    @TempDir
    Path tmp;

    /** How a case breaks the image: which table entry gets which value. */
    private record Damage(String name, String firmware, boolean l1, boolean espCluster, long value, String says) {}

    @Test
    void aBootDiskThatCannotBeReadFailsTheStartWithTheFirmwaresReadErrorAndTheReason() throws Exception {
        long pastEnd = COPIED | (1L << 40); // a cluster 1 TiB into a file of a few MiB
        List<Damage> cases = List.of(
                new Damage("l1-past-eof", "bios", true, false, pastEnd, "lies past the end of the file"),
                new Damage("l2-past-eof", "bios", false, false, pastEnd, "lies past the end of the file"),
                new Damage("l2-all-ones", "bios", false, false, -1L, "lies past the end of the file"),
                // compressed, two sectors at 0x20007: the refcount block, which does not inflate
                new Damage("l2-bad-deflate", "bios", false, false, COMPRESSED | (1L << 54) | 0x20007,
                        "is not valid deflate data"),
                new Damage("l1-all-ones", "uefi", true, false, -1L, "is not a cluster boundary"),
                new Damage("esp-past-eof", "uefi", false, true, pastEnd, "lies past the end of the file"));
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 7)) {
            lab.createHost(HostSpec.of("h", 16, Sizes.parse("64GiB")));
            lab.host("h").install(HypervisorType.TYPE1);
            lab.host("h").powerOn();
            lab.host("h").waitFor(HostState.RUNNING, Duration.ofMinutes(10));
            for (Damage d : cases) {
                Path image = tmp.resolve(d.name() + ".qcow2");
                lab.createDisk(DiskSpec.of(image.toString(), Sizes.parse("2GiB")).withOs("linux-server")
                        .withFirmware(d.firmware()));
                lab.createVm(VmSpec.of(d.name(), "h", 1, Sizes.parse("1GiB"))
                        .withFirmware(d.firmware()).withDisks(List.of(image.toString())));
            }
        }
        // damaged between two sessions, once attached (vm create refuses an image its check finds corrupt: AttachSafetyTest)
        for (Damage d : cases) damage(tmp.resolve(d.name() + ".qcow2"), d);
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 7)) {
            for (Damage d : cases) {
                Path image = tmp.resolve(d.name() + ".qcow2");
                Vm vm = lab.vm(d.name());
                vm.start();

                assertThatThrownBy(() -> vm.waitFor(VmState.RUNNING, Duration.ofMinutes(10)))
                        .as(d.name()).isInstanceOf(LabException.class).hasMessageContaining(d.says());
                assertThat(vm.state()).as(d.name()).isEqualTo(VmState.CRASHED);
                String reason = vm.info().reason();
                assertThat(reason).as(d.name()).startsWith(d.firmware().equals("bios")
                        ? "Boot failed: could not read the boot disk (disk0: " + image + ": "
                        : "BdsDxe: failed to load disk0: Device Error (" + image + ": ")
                        .contains(d.says()).doesNotContain("\n");
                List<String> steps = lab.timeline(List.of(d.name())).stream().map(TimelinePhase::step).toList();
                assertThat(steps).as(d.name())
                        .contains(d.firmware().equals("bios") ? "read-mbr disk0" : "read-esp disk0");
            }
        }
        try (LocalLab again = Labs.open(tmp.resolve("lab"), 7)) {
            assertThat(again.vms()).hasSize(cases.size()).allMatch(v -> v.state() == VmState.CRASHED);
        }
    }

    /** A plugin's firmware that reads sector 0 of the first disk and lets a read error through. */
    record Careless(String id) implements FirmwareModel {
        @Override
        public String description() {
            return "boots the first disk, catching nothing";
        }

        @Override
        public List<BootStep> post(MachineContext machine) {
            return List.of();
        }

        @Override
        public BootOutcome searchBoot(BootSearch search) {
            BootDevice disk = search.devices().getFirst();
            disk.read(0, 512);
            return BootOutcome.found(disk.name(), "MBR boot code", List.of());
        }
    }

    @Test
    void aPluginFirmwareThatLetsTheReadErrorThroughIsNotBlamedForIt() throws Exception {
        Extensions ext = Extensions.builtIn(new ExtensionGuard(Duration.ofSeconds(2)));
        ext.addFirmware(new Careless("careless"), "careless-plugin");
        Path image = tmp.resolve("broken.qcow2");
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 7, ext)) {
            lab.createHost(HostSpec.of("h", 16, Sizes.parse("64GiB")));
            lab.host("h").install(HypervisorType.TYPE1);
            lab.host("h").powerOn();
            lab.host("h").waitFor(HostState.RUNNING, Duration.ofMinutes(10));
            lab.createDisk(DiskSpec.of(image.toString(), Sizes.parse("2GiB")).withOs("linux-server"));
            lab.createVm(VmSpec.of("v", "h", 1, Sizes.parse("1GiB")).withFirmware("careless")
                    .withDisks(List.of(image.toString())));
        }
        damage(image, new Damage("l2-past-eof", "bios", false, false, COPIED | (1L << 40), ""));
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 7, ext)) {
            Vm vm = lab.vm("v");
            vm.start();
            assertThatThrownBy(() -> vm.waitFor(VmState.RUNNING, Duration.ofMinutes(10)))
                    .isInstanceOf(LabException.class);
            assertThat(vm.info().reason()).startsWith("the firmware could not read the boot disk (" + image + ": ")
                    .contains("lies past the end of the file");
            assertThat(ext.guard().faults()).as("a damaged disk is not the plugin's fault").isEmpty();
        }
    }

    /** Writes {@code d.value()} over the first L1 entry, or the L2 entry of the first cluster or the ESP's first. */
    private static void damage(Path image, Damage d) throws Exception {
        long espOffset = 0;
        if (d.espCluster()) {
            try (var img = DiskImages.open(image, true)) {
                espOffset = BootDiskProbe.probe(img).esp().orElseThrow().firstLba() * 512;
            }
        }
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.seek(20);
            int clusterBits = f.readInt();
            f.seek(40);
            long l1 = f.readLong();
            f.seek(l1);
            long l2 = f.readLong() & 0x00fffffffffffe00L;
            long entry = espOffset >>> clusterBits;
            f.seek(d.l1() ? l1 : l2 + 8 * entry);
            f.writeLong(d.value());
        }
    }
}
