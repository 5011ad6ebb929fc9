package dev.hyperlab.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.TimelinePhase;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BootSmokeTest {
    @Test
    void hostAndVmsBoot() {
        LabModel lab = LabModel.inMemory(42);
        lab.createHost(HostSpec.of("h1", 16, Sizes.parse("128GiB")));
        lab.installHost("h1", HypervisorType.TYPE1, null);
        lab.powerOn("h1");
        lab.waitHost("h1", HostState.RUNNING, Duration.ofHours(1), ProgressListener.NONE);
        for (int i = 0; i < 4; i++) {
            lab.createVm(VmSpec.of("vm" + i, "h1", 2, Sizes.parse("4GiB"))
                    .withOs(i % 2 == 0 ? "linux-server" : "linux-desktop"));
            lab.startVm("vm" + i);
        }
        lab.waitVm("vm3", VmState.RUNNING, Duration.ofHours(1), ProgressListener.NONE);
        for (TimelinePhase p : lab.timeline(List.of())) {
            System.out.printf("%-4s %-12s %-28s %10.3f %10.3f %s%n", p.machine(), p.phase(), p.step(),
                    p.start().toNanos() / 1e9, p.end().map(d -> d.toNanos() / 1e9).orElse(-1.0), p.boundBy());
        }
        assertThat(lab.vmState("vm0")).isEqualTo(VmState.RUNNING);
    }
}
