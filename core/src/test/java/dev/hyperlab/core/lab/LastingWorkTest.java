package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.BoundBy;
import dev.hyperlab.api.lab.Host;
import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.TimelinePhase;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.api.lab.Wait;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Work a request starts and the lab carries out over lab time (a guest shutdown, a suspend, a snapshot's pause, a
 * revert's load, a host's boot), and the facade's {@link Wait}: a call that waits returns with the work over.
 */
class LastingWorkTest {
    @TempDir
    Path tmp;

    /** A running type 1 host {@code h}. */
    private static Host host(Lab lab) {
        Host h = lab.createHost(HostSpec.of("h", 16, Sizes.parse("64GiB")));
        h.install(HypervisorType.TYPE1);
        h.powerOn(Wait.DONE);
        return h;
    }

    private static Vm running(Lab lab, String name, String os, List<String> drivers) {
        Vm vm = lab.createVm(VmSpec.of(name, "h", 2, Sizes.parse("2GiB")).withOs(os).withDrivers(drivers));
        vm.start(Wait.DONE);
        assertThat(vm.state()).isEqualTo(VmState.RUNNING);
        return vm;
    }

    private static TimelinePhase last(Lab lab, String vm, String phase) {
        return lab.timeline(List.of(vm)).stream().filter(p -> p.phase().equals(phase)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError(vm + " has no " + phase + " phase"));
    }

    @Test
    void aGuestShutdownTakesItsOsMeasuredTimeLinuxShorterThanWindows() {
        try (LocalLab lab = Labs.inMemory(1)) {
            host(lab);
            Vm linux = running(lab, "lin", "linux-server", List.of());
            Vm windows = running(lab, "win", "windows-server", List.of("virtio-blk"));
            Duration t0 = lab.now();

            linux.shutdown();
            windows.shutdown();

            assertThat(linux.state()).as("asked, not yet off").isEqualTo(VmState.RUNNING);
            assertThat(linux.info().operation()).isEqualTo("shutdown");
            lab.advance("11s");
            assertThat(linux.state()).isEqualTo(VmState.RUNNING);
            lab.advance("1s");
            assertThat(linux.state()).isEqualTo(VmState.SHUTOFF);
            assertThat(windows.state()).isEqualTo(VmState.RUNNING);
            lab.advance("10s");
            assertThat(windows.state()).isEqualTo(VmState.SHUTOFF);
            assertThat(windows.info().operation()).isEmpty();
            assertThat(windows.info().reason()).isEmpty();

            TimelinePhase l = last(lab, "lin", "shutdown");
            TimelinePhase w = last(lab, "win", "shutdown");
            assertThat(l.step()).isEqualTo("guest");
            assertThat(l.start()).isEqualTo(t0);
            assertThat(l.length(lab.now())).isEqualTo(Duration.ofSeconds(12));
            assertThat(w.length(lab.now())).isEqualTo(Duration.ofSeconds(22));
            assertThat(l.boundBy()).isEqualTo(BoundBy.FIXED);
        }
    }

    @Test
    void aGuestWithoutAcpiIgnoresTheRequestAndIsForcedOffAtTheHypervisorsTimeout() {
        try (LocalLab lab = Labs.inMemory(1)) {
            host(lab);
            Vm fc = running(lab, "fc", "microvm", List.of());
            Duration t0 = lab.now();

            fc.shutdown(Wait.DONE);

            assertThat(fc.state()).isEqualTo(VmState.SHUTOFF);
            assertThat(lab.now().minus(t0)).isEqualTo(Duration.ofMinutes(3));
            assertThat(fc.info().reason()).startsWith("forced off after 3m")
                    .contains("does not answer an ACPI shutdown request");
            TimelinePhase p = last(lab, "fc", "shutdown");
            assertThat(p.step()).isEqualTo("acpi-ignored");
            assertThat(p.length(lab.now())).isEqualTo(Duration.ofMinutes(3));

            fc.start(Wait.DONE);
            assertThat(fc.info().reason()).as("a new start forgets it").isEmpty();
        }
    }

    @Test
    void aCallThatWaitsReturnsWithItsWorkOverAndTheVmInTheStateItLeadsTo() {
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 1)) { // qcow2 images: snapshots really write
            host(lab);
            Vm vm = running(lab, "web", "linux-server", List.of());

            vm.createSnapshot("s1", Wait.DONE);
            assertThat(vm.state()).as("the snapshot's pause is over").isEqualTo(VmState.RUNNING);
            vm.createSnapshot("s2", Wait.DONE); // a second one straight after: no "paused" refusal
            assertThat(vm.state()).isEqualTo(VmState.RUNNING);

            vm.revertTo("s1", Wait.DONE);
            assertThat(vm.state()).as("a running snapshot's state is loaded").isEqualTo(VmState.RUNNING);
            assertThat(vm.info().operation()).isEmpty();

            vm.suspend(Wait.DONE);
            assertThat(vm.state()).isEqualTo(VmState.SUSPENDED);
            vm.resume(Wait.DONE);
            assertThat(vm.state()).isEqualTo(VmState.RUNNING);
            vm.reboot(Wait.DONE);
            assertThat(vm.state()).isEqualTo(VmState.RUNNING);

            Duration before = lab.now();
            vm.deleteSnapshot("s2", false, Wait.DONE);
            assertThat(vm.state()).isEqualTo(VmState.RUNNING);
            TimelinePhase del = last(lab, "web", "snapshot");
            assertThat(del.step()).as("the disks were drained while the snapshot's clusters were freed")
                    .isEqualTo("delete");
            assertThat(del.start()).isEqualTo(before);

            vm.shutdown(Wait.DONE);
            assertThat(vm.state()).isEqualTo(VmState.SHUTOFF);
        }
    }

    @Test
    void withoutAWaitTheWorkGoesOnAndTheVmSaysWhatIsUnderWay() {
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 1)) {
            host(lab);
            Vm vm = running(lab, "web", "linux-server", List.of());

            vm.createSnapshot("s1");

            assertThat(vm.state()).isEqualTo(VmState.PAUSED);
            assertThat(vm.info().operation()).isEqualTo("snapshot");
            assertThatThrownBy(() -> vm.createSnapshot("s2")).isInstanceOf(LabException.class)
                    .hasMessageContaining("paused").hasMessageNotContaining("advance")
                    .hasMessageContaining("wait vm web");
        }
    }

    @Test
    void aWaitThatRunsOutOfTimeLeavesTheWorkGoingAndNamesNoCommandLineFlag() {
        try (LocalLab lab = Labs.inMemory(1)) {
            host(lab);
            Vm vm = running(lab, "web", "linux-server", List.of());
            Duration t0 = lab.now();

            LabException e = org.junit.jupiter.api.Assertions.assertThrows(LabException.class,
                    () -> vm.shutdown(Wait.upTo(Duration.ofSeconds(5))));

            assertThat(e.kind()).isEqualTo(LabException.Kind.TIMEOUT);
            assertThat(e.getMessage()).contains("VM web is still shutting down").doesNotContain("--");
            assertThat(e.parameters()).containsExactly("timeout");
            assertThat(e.message(p -> "--" + p)).contains("a longer --timeout");
            assertThat(lab.now().minus(t0)).isEqualTo(Duration.ofSeconds(5));
            assertThat(vm.info().operation()).isEqualTo("shutdown");
            lab.advance("7s");
            assertThat(vm.state()).isEqualTo(VmState.SHUTOFF);
        }
    }

    @Test
    void aWaitForWorkTheRequestDidNotStartReturnsAtOnce() {
        try (LocalLab lab = Labs.inMemory(1)) {
            host(lab);
            Vm vm = lab.createVm(VmSpec.of("web", "h", 2, Sizes.parse("2GiB")).withOs("linux-server"));
            vm.createSnapshot("off", Wait.DONE); // of a stopped VM: nothing lasting
            vm.start();
            Duration t0 = lab.now();

            vm.deleteSnapshot("off", false, Wait.DONE); // images in memory: nothing to drain

            assertThat(lab.now()).as("the boot under way is not what the delete started").isEqualTo(t0);
            assertThat(vm.state()).isEqualTo(VmState.STARTING);
        }
    }

    @Test
    void aHostsPowerOnAndResetWaitForItsBoot() {
        try (LocalLab lab = Labs.inMemory(1)) {
            Host h = host(lab);
            assertThat(h.state()).isEqualTo(HostState.RUNNING);
            h.reset(Wait.DONE);
            assertThat(h.state()).isEqualTo(HostState.RUNNING);
            h.powerOff(Wait.DONE);
            assertThat(h.state()).isEqualTo(HostState.OFF);
            h.powerOn();
            assertThat(h.state()).isEqualTo(HostState.BOOTING);
        }
    }

    @Test
    void aPhaseUnderWayShowsTheBoundItIsUnderNow() {
        try (LocalLab lab = Labs.inMemory(1)) {
            host(lab);
            Vm vm = running(lab, "web", "linux-server", List.of());

            vm.suspend(); // its memory written to the datastore: disk work only

            TimelinePhase p = last(lab, "web", "suspend");
            assertThat(p.end()).as("still under way").isEmpty();
            assertThat(p.boundBy()).isEqualTo(BoundBy.DISK);
        }
    }

    @Test
    void refusalsSayWhatToAskForAndWhenANameIsTheOtherKinds() {
        try (LocalLab lab = Labs.inMemory(1)) {
            host(lab);
            Vm vm = running(lab, "web", "linux-server", List.of());

            assertThatThrownBy(() -> vm.waitFor(VmState.SHUTOFF, Duration.ofMinutes(1)))
                    .hasMessageContaining("vm shutdown web").hasMessageNotContaining("vm start");
            assertThatThrownBy(() -> lab.vm("h")).hasMessageContaining("'h' is a host");
            assertThatThrownBy(() -> lab.host("web")).hasMessageContaining("'web' is a VM");

            lab.createHost(HostSpec.of("h2", 4, Sizes.parse("8GiB"))).install(HypervisorType.TYPE1);
            lab.host("h2").powerOn();
            Vm other = lab.createVm(VmSpec.of("other", "h2", 1, Sizes.parse("1GiB")).withOs("linux-server"));
            assertThatThrownBy(other::start).hasMessageContaining("host h2 is booting")
                    .hasMessageContaining("still booting").hasMessageNotContaining("power it on");

            LabException noDisk = org.junit.jupiter.api.Assertions.assertThrows(LabException.class,
                    () -> lab.createVm(VmSpec.of("bare", "h", 1, Sizes.parse("1GiB"))));
            assertThat(noDisk.getMessage()).doesNotContain("--").contains("with os ", "with disks)");
            assertThat(noDisk.parameters()).containsExactly("os", "disks");
        }
    }
}
