package dev.hyperlab.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.HostDiskSpec;
import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.sim.EventLog;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Same seed, same commands: a byte-identical event log, even with 500 VMs contending on 50 hosts. */
public class DeterminismTest {

    /** 50 hosts of mixed disks and hypervisors, 10 VMs each of mixed profiles, all started at the same instant. */
    public static String storm(long seed) {
        LabModel lab = LabModel.inMemory(seed);
        StringWriter log = new StringWriter();
        lab.sim().setLog(EventLog.to(log));
        List<String> disks = List.of("nvme:1TiB", "ssd:960GiB", "hdd:4TiB");
        for (int h = 0; h < 50; h++) {
            String name = "h" + h;
            lab.createHost(HostSpec.of(name, 16, Sizes.parse("256GiB")).withFirmware("bios")
                    .withDisks(List.of(HostDiskSpec.parse(disks.get(h % 3)))));
            lab.installHost(name, h % 4 == 3 ? HypervisorType.TYPE2 : HypervisorType.TYPE1, null);
            lab.powerOn(name);
        }
        lab.advance(Duration.ofMinutes(10), ProgressListener.NONE);
        List<String> profiles = List.of("linux-server", "linux-server", "microvm", "windows-server");
        for (int h = 0; h < 50; h++) {
            assertThat(lab.hostState("h" + h)).isEqualTo(HostState.RUNNING);
            for (int v = 0; v < 10; v++) {
                String profile = profiles.get((h + v) % profiles.size());
                VmSpec spec = VmSpec.of("vm" + h + "-" + v, "h" + h, 2, Sizes.parse("4GiB")).withOs(profile)
                        .withFirmware(profile.equals("microvm") ? "direct" : "bios")
                        .withDrivers(profile.equals("windows-server") ? List.of("virtio-blk") : List.of());
                lab.createVm(spec);
            }
        }
        for (String vm : lab.vmNames()) {
            lab.startVm(vm);
        }
        lab.advance(Duration.ofHours(24), ProgressListener.NONE);
        assertThat(lab.vmsIn(VmState.RUNNING)).isEqualTo(500);
        return log.toString();
    }

    @Test
    void sameSeedSameLogByteForByte() {
        String a = storm(7);
        String b = storm(7);
        assertThat(a.lines().count()).isGreaterThan(5_000);
        assertThat(b).isEqualTo(a);
    }
}
