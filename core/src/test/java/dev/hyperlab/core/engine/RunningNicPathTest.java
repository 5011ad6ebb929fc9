package dev.hyperlab.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.api.lab.WorkloadSpec;
import dev.hyperlab.api.spi.DeviceClass;
import dev.hyperlab.api.spi.DriverEffect;
import dev.hyperlab.core.calibration.Calibration;
import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.guard.ExtensionGuard;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A running workload's network traffic goes through the guest's NIC: each byte costs host CPU, twenty times as much
 * through an emulated e1000 as through virtio-net (docs/calibration.md drv.emulated_net.vs_virtio_factor), and the
 * emulated NIC carries at most a twentieth of virtio-net's measured stream.
 */
class RunningNicPathTest {
    private static LabModel lab() {
        Extensions ext = Extensions.builtIn(new ExtensionGuard(Duration.ofSeconds(5)));
        ext.addDriver(new FixedDriver("lean-net", "a NIC driver at half virtio-net's CPU per byte", DeviceClass.NET,
                new DriverEffect(1.0, 0.5, Set.of())), "test-plugin");
        LabModel lab = LabModel.create(11, ext, null);
        lab.createHost(HostSpec.of("h1", 16, Sizes.parse("64GiB")).withFirmware("bios"));
        lab.installHost("h1", HypervisorType.TYPE1, null);
        lab.powerOn("h1");
        lab.waitHost("h1", HostState.RUNNING, Duration.ofHours(1), ProgressListener.NONE);
        // the web workload without its traffic: what the NIC adds is the difference
        lab.createWorkload(WorkloadSpec.like("web-quiet", "web").withNetwork(0, 0));
        return lab;
    }

    /** CPU (gigacycles) the VM's workload asks for in one lab hour on virtio-net or on the emulated NIC. */
    private static double cpuWantedInAnHour(LabModel lab, String vm, String nic, String workload) {
        lab.createVm(VmSpec.of(vm, "h1", 2, Sizes.parse("8GiB")).withOs("windows-server").withWorkload(workload)
                .withDrivers(nic == null ? List.of("virtio-blk") : List.of("virtio-blk", nic)));
        lab.startVm(vm);
        lab.waitVm(vm, VmState.RUNNING, Duration.ofHours(1), ProgressListener.NONE);
        double before = lab.vmMachine(vm).totals().cpuWanted();
        lab.advance(Duration.ofHours(1), ProgressListener.NONE);
        double wanted = lab.vmMachine(vm).totals().cpuWanted() - before;
        lab.destroyVm(vm);
        return wanted;
    }

    @Test
    void aWebServerOnAnEmulatedNicUsesTwentyTimesTheNetworkCpuOfVirtioNet() {
        LabModel lab = lab();
        double quiet = cpuWantedInAnHour(lab, "q", "virtio-net", "web-quiet");
        double virtio = cpuWantedInAnHour(lab, "v", "virtio-net", "web") - quiet;
        double emulated = cpuWantedInAnHour(lab, "e", null, "web") - quiet;
        double lean = cpuWantedInAnHour(lab, "l", "lean-net", "web") - quiet;
        // virtio-net: the web server's 2,048,000 bytes a second at one reference core per 9.83 Gbit/s
        double expected = 3600 * Calibration.WORK_WEB_NET_TX_BYTES_S / (9.83e9 / 8) * Calibration.REFERENCE_CORE_GHZ;
        assertThat(virtio).isCloseTo(expected, within(expected * 1e-6));
        assertThat(emulated / virtio).isCloseTo(20, within(1e-6));
        assertThat(lean / virtio).as("a plugin NIC driver's CPU per I/O factor").isCloseTo(0.5, within(1e-6));
    }

    @Test
    void vmStatAndHostStatCountTheBytesTheNicCarriedAndAnEmulatedNicCapsThem() {
        LabModel lab = lab();
        lab.createWorkload(WorkloadSpec.of("bulk").withNetwork(100_000_000, 100_000_000));
        for (String vm : List.of("v", "e")) {
            lab.createVm(VmSpec.of(vm, "h1", 2, Sizes.parse("8GiB")).withOs("windows-server").withWorkload("bulk")
                    .withDrivers(vm.equals("v") ? List.of("virtio-blk", "virtio-net") : List.of("virtio-blk")));
            lab.startVm(vm);
            lab.waitVm(vm, VmState.RUNNING, Duration.ofHours(1), ProgressListener.NONE);
        }
        long v0 = lab.vmStat("v").netRx();
        long e0 = lab.vmStat("e").netRx() + lab.vmStat("e").netTx();
        lab.advance(Duration.ofSeconds(100), ProgressListener.NONE);
        // virtio-net carries its 100 MB/s each way; the emulated NIC its 9.83 Gbit/s / 20 in all
        assertThat(lab.vmStat("v").netRx() - v0).isCloseTo(10_000_000_000L, within(1000L));
        long emulated = lab.vmStat("e").netRx() + lab.vmStat("e").netTx() - e0;
        assertThat((double) emulated).isCloseTo(100 * 9.83e9 / 8 / 20, within(1000.0));
        var host = lab.hostStat("h1");
        assertThat(host.netTx()).isEqualTo(lab.vmStat("v").netTx() + lab.vmStat("e").netTx());
        // at its cap the emulated NIC keeps one reference core busy
        assertThat(lab.vmMachine("e").totals().cpuWanted() / lab.vmStat("e").runningSeconds())
                .isCloseTo(Calibration.REFERENCE_CORE_GHZ, within(1e-6));
    }

    @Test
    void aNegativeOrAbsurdNetworkRateIsRefusedAndNothingIsDefined() {
        LabModel lab = lab();
        int before = lab.workloads().infos().size();
        assertThatThrownBy(() -> lab.createWorkload(WorkloadSpec.of("bad").withNetwork(-1, 0)))
                .isInstanceOf(LabException.class).hasMessageContaining("network receive rate of -1 bytes/s");
        assertThatThrownBy(() -> lab.createWorkload(WorkloadSpec.of("bad").withNetwork(0, Long.MAX_VALUE)))
                .isInstanceOf(LabException.class).hasMessageContaining("out of range");
        assertThat(lab.workloads().infos()).hasSize(before);
    }
}
