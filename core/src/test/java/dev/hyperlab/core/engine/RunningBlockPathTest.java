package dev.hyperlab.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.api.spi.DeviceClass;
import dev.hyperlab.api.spi.DriverEffect;
import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.guard.ExtensionGuard;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A running workload's disk I/O goes through the guest's block device as its boot's does: a block driver twice as
 * fast as virtio-blk halves the device time its requests take, and the latency its guest sees, while it runs.
 */
class RunningBlockPathTest {
    @Test
    void aFasterBlockDriverHalvesARunningDatabasesDeviceTimeAndLatency() {
        Extensions ext = Extensions.builtIn(new ExtensionGuard(Duration.ofSeconds(5)));
        ext.addDriver(new FixedDriver("fast-blk", "a block driver twice as fast as virtio-blk", DeviceClass.BLOCK,
                new DriverEffect(2.0, 1.0, Set.of())), "test-plugin");
        LabModel lab = LabModel.create(11, ext, null);
        lab.createHost(HostSpec.of("h1", 16, Sizes.parse("64GiB")).withFirmware("bios"));
        lab.installHost("h1", HypervisorType.TYPE1, null);
        lab.powerOn("h1");
        lab.waitHost("h1", HostState.RUNNING, Duration.ofHours(1), ProgressListener.NONE);
        lab.createVm(VmSpec.of("virtio", "h1", 2, Sizes.parse("4GiB")).withOs("linux-server").withWorkload("database"));
        lab.createVm(VmSpec.of("fast", "h1", 2, Sizes.parse("4GiB")).withOs("linux-server").withWorkload("database")
                .withDrivers(List.of("fast-blk")));
        lab.startVm("virtio");
        lab.waitVm("virtio", VmState.RUNNING, Duration.ofHours(1), ProgressListener.NONE);
        // alone on the datastore: its latency is the device's through its block path, not stretched by the other
        double virtioDemand = lab.vmMachine("virtio").diskDemandNow();
        double virtioLatency = lab.vmStat("virtio").diskLatency();
        lab.destroyVm("virtio");
        lab.startVm("fast");
        lab.waitVm("fast", VmState.RUNNING, Duration.ofHours(1), ProgressListener.NONE);
        assertThat(virtioDemand).isPositive();
        assertThat(lab.vmMachine("fast").diskDemandNow()).isCloseTo(virtioDemand / 2, within(virtioDemand * 1e-9));
        assertThat(lab.vmStat("fast").diskLatency()).isCloseTo(virtioLatency / 2, within(virtioLatency * 1e-9));
    }
}
