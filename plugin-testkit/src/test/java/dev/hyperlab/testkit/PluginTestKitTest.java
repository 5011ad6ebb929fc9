package dev.hyperlab.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.HostDiskSpec;
import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.TimelinePhase;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.spi.BackupContext;
import dev.hyperlab.api.spi.BackupStrategy;
import dev.hyperlab.api.spi.BootOutcome;
import dev.hyperlab.api.spi.BootSearch;
import dev.hyperlab.api.spi.BootStep;
import dev.hyperlab.api.spi.ByteRange;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.DeviceClass;
import dev.hyperlab.api.spi.DriverEffect;
import dev.hyperlab.api.spi.GuestContext;
import dev.hyperlab.api.spi.GuestDriver;
import dev.hyperlab.api.spi.DiskSink;
import dev.hyperlab.api.spi.FirmwareModel;
import dev.hyperlab.api.spi.MachineContext;
import dev.hyperlab.api.spi.SourceDisk;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The kit as a plugin author uses it: a firmware model booted in a real lab, a strategy restored byte for byte. */
class PluginTestKitTest {

    /** Boots nothing, after a 2 s POST: the simplest firmware model there is. */
    static final class NothingBoots implements FirmwareModel {
        @Override
        public String id() {
            return "nothing";
        }

        @Override
        public String description() {
            return "boots nothing";
        }

        @Override
        public List<BootStep> post(MachineContext m) {
            return List.of(new BootStep("firmware", "init", Demand.fixed(Duration.ofSeconds(2))));
        }

        @Override
        public BootOutcome searchBoot(BootSearch s) {
            return BootOutcome.notFound("Nothing to boot here", List.of());
        }
    }

    /** Every allocated byte: the spi's own example strategy. */
    static final class EveryByte implements BackupStrategy {
        @Override
        public String id() {
            return "every-byte";
        }

        @Override
        public String description() {
            return "every allocated byte";
        }

        @Override
        public void backup(BackupContext context) throws IOException {
            for (SourceDisk disk : context.disks()) {
                DiskSink sink = context.sink(disk);
                for (ByteRange range : disk.allocated()) {
                    for (long at = range.offset(); at < range.end(); at += sink.maxChunk()) {
                        sink.store(at, (int) Math.min(sink.maxChunk(), range.end() - at));
                    }
                }
            }
        }
    }

    /** A block driver four times as fast as virtio-blk. */
    static final class FourTimes implements GuestDriver {
        @Override
        public String id() {
            return "four-times";
        }

        @Override
        public String description() {
            return "block I/O four times virtio-blk's";
        }

        @Override
        public DeviceClass deviceClass() {
            return DeviceClass.BLOCK;
        }

        @Override
        public Demand load(GuestContext guest) {
            return Demand.NONE;
        }

        @Override
        public DriverEffect effect() {
            return new DriverEffect(4.0, 1.0, Set.of());
        }
    }

    /**
     * The lab time a storm of 8 Windows VMs takes to boot on the kit's host, each with {@code driver} for its boot
     * disk: their init phases read and write through it, all at once on the host's one disk (the Linux profiles'
     * published figures carry no init I/O). A lab of its own per run: a second storm of the same OS would read its base
     * image from the host's cache.
     */
    private static Duration storm(HostSpec host, String driver) {
        try (TestLab lab = PluginTestKit.lab().withDriver(new FourTimes()).withHost(host).start()) {
            assertThat(lab.lab().host(TestLab.HOST).info().cores()).isEqualTo(host.cores());
            assertThat(lab.lab().host(TestLab.HOST).info().disks()).extracting(d -> d.kind())
                    .containsExactlyElementsOf(host.disks().stream().map(HostDiskSpec::kind).toList());
            List<String> names = new java.util.ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                names.add("win" + i);
                lab.lab().createVm(VmSpec.of("win" + i, TestLab.HOST, 2, Sizes.parse("4GiB"))
                        .withOs("windows-server").withDrivers(List.of(driver)));
            }
            Duration start = lab.lab().now();
            lab.lab().startVms(names);
            for (String n : names) {
                lab.lab().vm(n).waitFor(dev.hyperlab.api.lab.VmState.RUNNING, TestLab.BOOT_WAIT);
            }
            return lab.lab().now().minus(start);
        }
    }

    @Test
    void aDriversEffectShowsOnTheHostHardwareTheTestSets() {
        HostSpec slow = HostSpec.of(TestLab.HOST, 32, Sizes.parse("128GiB"))
                .withDisks(List.of(HostDiskSpec.parse("hdd:2TiB")));
        Duration virtio = storm(slow, "virtio-blk");
        Duration fast = storm(slow, "four-times");
        // I/O-bound on the one hard disk: the driver's factor divides the I/O time, so the storm is over sooner
        assertThat(fast.multipliedBy(2)).as("virtio-blk " + virtio + ", four-times " + fast).isLessThan(virtio);
    }

    @Test
    void theTestLabsHostIsNamedHost1() {
        HostSpec other = HostSpec.of("esx1", 4, Sizes.parse("16GiB"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PluginTestKit.lab().withHost(other))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host1");
    }

    @Test
    void aFirmwareModelBootsInARealLab() {
        try (TestLab lab = PluginTestKit.lab().withFirmware(new NothingBoots()).start()) {
            BootRun run = lab.boot(VmSpec.of("vm1", TestLab.HOST, 1, Sizes.parse("1GiB")).withOs("linux-server")
                    .withFirmware("nothing"));
            assertThat(run.booted()).isFalse();
            assertThat(run.state()).isEqualTo("crashed");
            assertThat(run.reason()).isEqualTo("Nothing to boot here");
            assertThat(run.phase("firmware")).extracting(p -> p.step()).containsExactly("init");
            assertThat(lab.lab().info().plugins()).containsExactly(PluginTestKit.PLUGIN);
            assertThat(lab.faults()).isEmpty();
        }
    }

    @Test
    void aStrategysBackupsRestoreByteForByte() {
        try (TestRepository repo = PluginTestKit.repository().withStrategy(new EveryByte())) {
            TestDisk vda = repo.disk("vda", 32L << 20, 5);
            String first = repo.backup("web1", "every-byte", vda).id();
            String before = vda.sha256();
            vda.write(9, 40);
            String second = repo.backup("web1", "every-byte", vda).id();
            assertThat(PluginTestKit.sha256(repo.restore(first, "vda"))).isEqualTo(before);
            assertThat(PluginTestKit.sha256(repo.restore(second, "vda"))).isEqualTo(vda.sha256()).isNotEqualTo(before);
        }
    }
}
