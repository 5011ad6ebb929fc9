package dev.hyperlab.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.BoundBy;
import dev.hyperlab.api.lab.HostMemory;
import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.MemoryPolicy;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.TimelinePhase;
import dev.hyperlab.api.lab.VmMemory;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.sim.EventLog;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The overcommit scenarios, each one a person can check by hand against docs/calibration.md section 7. */
class MemoryOvercommitTest {
    static final long GIB = Sizes.GiB;
    static final Duration LONG = Duration.ofHours(4);

    /**
     * A 64 GiB type 1 host (SATA SSD, where swap I/O costs what it costs) with {@code n} 16 GiB Windows VMs, with or
     * without balloon drivers, started together.
     */
    static LabModel sixteenGibWindows(int n, boolean balloons, long swap) {
        LabModel lab = LabModel.inMemory(5);
        lab.createHost(HostSpec.of("h", 32, 64 * GIB)
                .withDisks(List.of(dev.hyperlab.api.lab.HostDiskSpec.parse("ssd:960GiB"))));
        lab.installHost("h", HypervisorType.TYPE1, null);
        lab.setMemoryPolicy("h", new MemoryPolicy(true, swap, false));
        lab.powerOn("h");
        lab.waitHost("h", HostState.RUNNING, LONG, ProgressListener.NONE);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> drivers = balloons ? List.of("virtio-blk", "virtio-balloon") : List.of("virtio-blk");
            lab.createVm(VmSpec.of("w" + i, "h", 2, 16 * GIB).withOs("windows-server").withDrivers(drivers));
            names.add("w" + i);
        }
        lab.startVms(names);
        return lab;
    }

    static double storm(LabModel lab, int n) {
        long t0 = lab.sim().now();
        for (int i = 0; i < n; i++) {
            lab.waitVm("w" + i, VmState.RUNNING, LONG, ProgressListener.NONE);
        }
        return (lab.sim().now() - t0) / 1e9;
    }

    @Test
    void sixVmsOnOneAndAHalfTimesTheMemoryBootWithoutSwappingWhenTheyHaveBalloons() {
        LabModel lab = sixteenGibWindows(6, true, 0);
        HostMemory before = lab.hostMemory("h");
        assertThat(before.overcommitRatio()).isGreaterThan(1.5);
        double seconds = storm(lab, 6);
        HostMemory after = lab.hostMemory("h");
        assertThat(after.swapped()).isZero();
        assertThat(after.free()).isNotNegative();
        long ballooned = 0;
        for (int i = 0; i < 6; i++) {
            VmMemory m = lab.vmMemory("w" + i);
            assertThat(m.swapped()).isZero();
            ballooned += m.balloon();
        }
        assertThat(ballooned).isGreaterThan(30 * GIB); // 96 GiB promised, 63 GiB there
        assertThat(seconds).isPositive();
    }

    @Test
    void withoutBalloonsTheHostSwapsAndTheStormIsMeasurablySlower() {
        double withBalloons = storm(sixteenGibWindows(6, true, 64 * GIB), 6);
        LabModel lab = sixteenGibWindows(6, false, 64 * GIB);
        double withoutBalloons = storm(lab, 6);
        HostMemory after = lab.hostMemory("h");
        assertThat(after.swapped()).isGreaterThan(30 * GIB);
        assertThat(after.free()).isNotNegative(); // swapping makes room to the byte
        assertThat(withoutBalloons).isGreaterThan(withBalloons * 1.05);
        assertThat(lab.timeline(List.of())).anyMatch(p -> p.boundBy() == BoundBy.MEMORY);
    }

    @Test
    void twelveVmsHitThePolicysLimitWithAClearReason() {
        LabModel lab = sixteenGibWindows(12, true, 0);
        lab.advance(LONG, ProgressListener.NONE);
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            if (lab.vmState("w" + i) != VmState.RUNNING) {
                refused.add("w" + i);
                assertThat(lab.vmInfo("w" + i).reason()).contains("cannot promise");
            }
        }
        assertThat(refused).isNotEmpty();
        assertThat(lab.hostMemory("h").swapped()).isZero();
    }

    @Test
    void withoutSwapAVmThatCannotBeBackedIsRefusedBeforeItStarts() {
        LabModel lab = sixteenGibWindows(6, false, 0);
        lab.advance(LONG, ProgressListener.NONE);
        long running = java.util.stream.IntStream.range(0, 6).filter(i -> lab.vmState("w" + i) == VmState.RUNNING)
                .count();
        assertThat(running).isEqualTo(3); // 3 x 16 GiB fit 63 GiB; the others were promised nothing
        assertThat(lab.vmInfo("w5").reason()).startsWith("start refused");
    }

    @Test
    void identicalGuestsShareMoreThanDiverseOnes() {
        double identical = sharedFraction(List.of("linux-server", "linux-server", "linux-server", "linux-server"));
        double diverse = sharedFraction(List.of("linux-server", "linux-desktop", "windows-server", "microvm"));
        // the Difference Engine's figures (mem.sharing.*): 60 % for identical guests, 26 % for diverse ones
        assertThat(identical).isCloseTo(0.60, org.assertj.core.data.Offset.offset(0.01));
        assertThat(diverse).isCloseTo(0.26, org.assertj.core.data.Offset.offset(0.01));
    }

    /** A running 128 GiB host with page sharing on. */
    static LabModel sharingHost() {
        LabModel lab = LabModel.inMemory(9);
        lab.createHost(HostSpec.of("h", 32, 128 * GIB));
        lab.installHost("h", HypervisorType.TYPE1, null);
        lab.setMemoryPolicy("h", new MemoryPolicy(true, 0, true));
        lab.powerOn("h");
        lab.waitHost("h", HostState.RUNNING, LONG, ProgressListener.NONE);
        return lab;
    }

    /** Memory saved by page sharing over the guests' backed memory, after KSM has had time to scan. */
    static double sharedFraction(List<String> profiles) {
        LabModel lab = sharingHost();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < profiles.size(); i++) {
            String p = profiles.get(i);
            lab.createVm(VmSpec.of("v" + i, "h", 2, 8 * GIB).withOs(p)
                    .withFirmware(p.equals("microvm") ? "direct" : "bios")
                    .withDrivers(p.equals("windows-server") ? List.of("virtio-blk") : List.of()));
            names.add("v" + i);
        }
        lab.startVms(names);
        lab.advance(Duration.ofMinutes(30), ProgressListener.NONE);
        long resident = 0;
        for (String n : names) {
            resident += lab.vmMemory(n).resident();
        }
        return (double) lab.hostMemory("h").shared() / resident;
    }

    @Test
    void sharingBreaksWhenAGuestRewritesItsMemoryAndKsmFindsItAgain() {
        LabModel lab = sharingHost();
        for (String n : List.of("a", "b")) {
            lab.createVm(VmSpec.of(n, "h", 2, 8 * GIB).withOs("windows-server").withDrivers(List.of("virtio-blk")));
        }
        lab.startVms(List.of("a", "b"));
        lab.advance(Duration.ofMinutes(30), ProgressListener.NONE);
        long before = lab.vmMemory("a").shared();
        assertThat(before).isPositive();
        lab.rebootVm("a");
        assertThat(lab.vmMemory("a").shared()).isLessThan(before / 10);
        lab.advance(Duration.ofMinutes(30), ProgressListener.NONE);
        assertThat(lab.vmMemory("a").shared()).isCloseTo(before, org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void aBalloonTargetNeedsADriverAndTheBalloonReachesItAtTheDriversPace() {
        LabModel lab = sixteenGibWindows(2, true, 0);
        storm(lab, 2);
        // with automatic ballooning on, the host's policy would move the target again: a person's target holds alone
        lab.setMemoryPolicy("h", new MemoryPolicy(false, 0, false));
        lab.setBalloonTarget("w0", 8 * GIB);
        lab.advance(Duration.ofMinutes(1), ProgressListener.NONE);
        VmMemory m = lab.vmMemory("w0");
        assertThat(m.target()).isEqualTo(8 * GIB);
        assertThat(m.actual()).isEqualTo(8 * GIB);
        assertThat(m.balloon()).isEqualTo(8 * GIB);
        LabModel bare = sixteenGibWindows(1, false, 0);
        storm(bare, 1);
        assertThatThrownBy(() -> bare.setBalloonTarget("w0", 8 * GIB)).isInstanceOf(LabException.class)
                .hasMessageContaining("no balloon driver");
        assertThatThrownBy(() -> lab.setBalloonTarget("w0", 32 * GIB)).hasMessageContaining("out of range");
    }

    @Test
    void memoryOverTimeIsRecordedAndTheSameSeedGivesTheSameNumbers() {
        String a = run();
        String b = run();
        assertThat(a).isEqualTo(b).contains("memory-tick");
    }

    static String run() {
        LabModel lab = sixteenGibWindows(6, true, 16 * GIB);
        StringWriter log = new StringWriter();
        lab.sim().setLog(EventLog.to(log));
        storm(lab, 6);
        lab.advance(Duration.ofMinutes(10), ProgressListener.NONE);
        assertThat(lab.memoryHistory(List.of("h"))).hasSizeGreaterThan(3);
        StringBuilder out = new StringBuilder(log.toString());
        lab.memoryHistory(List.of()).forEach(s -> out.append(s).append('\n'));
        for (TimelinePhase p : lab.timeline(List.of())) {
            out.append(p).append('\n');
        }
        return out.toString();
    }
}
