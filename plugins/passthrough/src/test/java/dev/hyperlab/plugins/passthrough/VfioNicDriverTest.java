package dev.hyperlab.plugins.passthrough;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.TimelinePhase;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.testkit.BootRun;
import dev.hyperlab.testkit.PluginTestKit;
import dev.hyperlab.testkit.TestLab;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The passthrough NIC in a real boot: it replaces the paravirtual NIC and costs pinning time that grows with memory. */
class VfioNicDriverTest {

    private static Duration step(BootRun run, String step) {
        TimelinePhase p = run.phase("drivers").stream().filter(t -> t.step().equals(step)).findFirst().orElseThrow();
        return p.end().orElseThrow().minus(p.start());
    }

    @Test
    void pinningGuestMemoryGrowsWithItsSizeAsMeasured() {
        try (TestLab lab = PluginTestKit.lab().withDriver(new VfioNicDriver()).start()) {
            BootRun small = lab.boot(VmSpec.of("small", TestLab.HOST, 2, Sizes.parse("4GiB")).withOs("linux-server")
                    .withDrivers(List.of("vfio-net")));
            BootRun big = lab.boot(VmSpec.of("big", TestLab.HOST, 2, Sizes.parse("32GiB")).withOs("linux-server")
                    .withDrivers(List.of("vfio-net")));
            BootRun plain = lab.boot(VmSpec.of("plain", TestLab.HOST, 2, Sizes.parse("4GiB")).withOs("linux-server"));
            assertThat(small.booted()).isTrue();
            assertThat(big.booted()).isTrue();
            // the kernel commit measured 1.34 s for 4 GB and 8.20 s for 32 GB: the fit is within 10 % of both
            assertThat(step(small, "vfio-net").toMillis()).isBetween(1300L, 1400L);
            assertThat(step(big, "vfio-net").toMillis()).isBetween(8100L, 8300L);
            // the passthrough NIC takes the place of virtio-net; a guest without it loads virtio-net as before
            assertThat(small.phase("drivers")).extracting(TimelinePhase::step).doesNotContain("virtio-net");
            assertThat(plain.phase("drivers")).extracting(TimelinePhase::step).contains("virtio-net");
            assertThat(small.took()).isGreaterThan(plain.took());
        }
    }
}
