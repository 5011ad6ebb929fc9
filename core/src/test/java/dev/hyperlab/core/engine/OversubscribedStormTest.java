package dev.hyperlab.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.core.calibration.Calibration;
import org.junit.jupiter.api.Test;

/**
 * Time-slicing at scale (issue 17, docs/calibration.md section 6.1): the slowdown of boots that outnumber a host's
 * cores saturates once the cores switch as often as the scheduler lets them, so a storm far beyond the cores (the
 * shell's Ctrl-C storm: 2,500 one-vCPU VMs on 256 cores) takes at most a small factor more than plain fair sharing of
 * the cores gives, not the 85-fold a slowdown linear in the VMs beyond the cores gave.
 */
class OversubscribedStormTest {
    /** A 256-core host booting {@code n} VMs of 1 vCPU and 512 MiB at once (ReplTest's storm); the lab once all run. */
    static LabModel storm(int n) {
        return ContentionValidationTest.bootAtOnce(HostSpec.of("big", 256, Sizes.parse("4TiB")), n, "vm", "512MiB");
    }

    /** Lab seconds from the first boot's start to the last one's end. */
    static double span(LabModel lab, int n) {
        double last = 0;
        for (int i = 0; i < n; i++) {
            last = Math.max(last, BootBehaviourTest.bootSeconds(lab, "vm" + i));
        }
        return last;
    }

    @Test
    void twoThousandFiveHundredBootsOn256CoresTakeAtMostASmallFactorOverFairSharing() {
        LabModel solo = storm(1);
        double soloBoot = BootBehaviourTest.bootSeconds(solo, "vm0");
        double soloCpu = ResourceControlsTest.cpuSeconds(solo, "vm0");
        int n = 2500;
        double storm = span(storm(n), n);
        // plain fair sharing of the 256 cores: the boots' CPU work spread over all of them, and no boot shorter than
        // alone (91 s). The model's co-runner slowdown alone (contention.cpu.corunner_slowdown, which caps each boot in
        // the storm's tail once fewer than twice the cores are left) makes it 152 s; the time-sliced cores lose at most
        // 1 + o × 8 more (contention.cpu.oversubscribed_slowdown, contention.cpu.sched_nr_latency: 1.6), 207 s. A
        // slowdown linear in the boots beyond the cores gave 899 s (in the caps only) and 7,817 s (in the caps and
        // the capacity: the shell's storm no longer finished within an hour)
        double fair = Math.max(soloBoot, n * soloCpu / 256);
        System.out.printf("storm of %d on 256 cores: %.1f s; solo boot %.2f s, solo CPU %.2f s, fair share %.1f s%n",
                n, storm, soloBoot, soloCpu, fair);
        assertThat(1 + Calibration.CPU_OVERSUBSCRIBED_SLOWDOWN * Calibration.CPU_SCHED_NR_LATENCY).isLessThan(2);
        assertThat(storm).isGreaterThan(fair).isLessThan(3 * fair);
    }
}
