package dev.hyperlab.core.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.TimelinePhase;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.lab.Labs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The QEMU backend with real QEMU processes (TCG) and a disk without an OS: SeaBIOS looks for a boot device and finds
 * none, which is enough for process handling, the monitor, the console log, the timeline, crashes and reconnection.
 * Booting a real guest to ready is tested from the shell with the tiny-linux guest.
 */
class QemuLabTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Lab lab;

    private Lab open() {
        lab = Labs.open(dir.resolve("lab"), 1, Extensions.builtIn(), Optional.of("qemu"));
        return lab;
    }

    private String blankDisk() throws Exception {
        Path disk = dir.resolve("blank.qcow2");
        Process p = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "64M").start();
        assertThat(p.waitFor()).isZero();
        return disk.toString();
    }

    private static VmSpec spec(String name, String disk) {
        return VmSpec.of(name, "local", 1, 128L << 20).withDisks(List.of(disk));
    }

    /** Polls until {@code done} (no timing is asserted: the deadline only keeps a broken run from hanging). */
    private static void eventually(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("still waiting after %s", PATIENCE).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private long pid(String vm) throws Exception {
        return Long.parseLong(Files.readString(dir.resolve("lab/vms/" + vm + "/qemu.pid")).trim());
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (lab != null) {
            lab.close();
        }
        // a failed assertion must not leave a QEMU behind
        try (var files = Files.walk(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().equals("qemu.pid")).toList()) {
                ProcessHandle.of(Long.parseLong(Files.readString(p).trim())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void aNewQemuLabHasTheLocalHostRunningAndSaysItsBackend() {
        open();
        assertThat(lab.info().backend()).isEqualTo("qemu");
        assertThat(lab.hosts()).hasSize(1);
        var local = lab.host("local").info();
        assertThat(local.state().id()).isEqualTo("running");
        assertThat(local.cores()).isPositive();
        assertThat(local.ram()).isPositive();
        assertThat(local.hypervisor()).startsWith("qemu ").contains("tcg");
        lab.close();
        // opened again without naming the backend, it is the QEMU lab it was
        lab = Labs.open(dir.resolve("lab"), 1, Extensions.builtIn(), Optional.empty());
        assertThat(lab.info().backend()).isEqualTo("qemu");
    }

    @Test
    void aSimulatedLabIsNotTakenForAQemuOneNorTheOtherWayRound() {
        Labs.open(dir.resolve("sim"), 1).close();
        assertThatThrownBy(() -> Labs.open(dir.resolve("sim"), 1, Extensions.builtIn(), Optional.of("qemu")))
                .isInstanceOf(LabException.class).hasMessageContaining("is a simulation lab, not a qemu one");
        open().close();
        assertThatThrownBy(() -> Labs.open(dir.resolve("lab"), 1, Extensions.builtIn(), Optional.of("simulation")))
                .isInstanceOf(LabException.class).hasMessageContaining("is a qemu lab, not a simulation one");
        lab = null;
    }

    @Test
    void createRefusesWhatARealVmCannotBeAndChangesNothing() throws Exception {
        open();
        assertThatThrownBy(() -> lab.createVm(VmSpec.of("v", "local", 1, 128L << 20)))
                .isInstanceOf(LabException.class).hasMessageContaining("a real VM boots a real disk");
        assertThatThrownBy(() -> lab.createVm(spec("v", dir.resolve("missing.qcow2").toString())))
                .isInstanceOf(LabException.class).hasMessageContaining("no disk image");
        assertThatThrownBy(() -> lab.createVm(spec("v", blankDisk()).withFirmware("coreboot")))
                .isInstanceOf(LabException.class).hasMessageContaining("bios (SeaBIOS) or uefi (OVMF)");
        assertThatThrownBy(() -> lab.createVm(VmSpec.of("v", "esx1", 1, 128L << 20)))
                .isInstanceOf(LabException.class).hasMessageContaining("a QEMU lab has one host, local");
        assertThat(lab.vms()).isEmpty();
    }

    @Test
    void setChangesAStoppedVmsRecordAndRefusesWhatQemuCannotBe() throws Exception {
        open();
        lab.createVm(spec("v", blankDisk()));
        var info = lab.vm("v").set(dev.hyperlab.api.lab.VmChange.NONE.withVcpus(2).withMemory(256L << 20)
                .withFirmware("uefi").withBootPriority(3));
        assertThat(List.of(info.vcpus(), info.memory(), info.firmware(), info.bootPriority()))
                .containsExactly(2, 256L << 20, "uefi", 3);
        assertThatThrownBy(() -> lab.vm("v").set(dev.hyperlab.api.lab.VmChange.NONE.withDriver("virtio-net")))
                .isInstanceOf(LabException.class).hasMessageContaining("virtio-blk and no other device");
        assertThatThrownBy(() -> lab.vm("v").set(dev.hyperlab.api.lab.VmChange.NONE.withVcpus(0)))
                .isInstanceOf(LabException.class).hasMessageContaining("vCPUs");
        assertThatThrownBy(() -> lab.host("local").delete()).isInstanceOf(LabException.class)
                .hasMessageContaining("host local is this machine");
        lab.close();
        open();
        assertThat(lab.vm("v").info().memory()).as("kept with the lab").isEqualTo(256L << 20);
    }

    @Test
    void timelineFromRealEventsThenReconnectionThenACrash() throws Exception {
        open();
        lab.createVm(spec("b1", blankDisk()));
        lab.vm("b1").start();
        eventually(() -> lab.timeline(List.of("b1")).stream().anyMatch(p -> p.step().equals("boot-device")));
        List<String> phases = lab.timeline(List.of("b1")).stream().map(p -> p.phase() + "/" + p.step()).toList();
        assertThat(phases).startsWith("vmm/start", "vmm/qmp", "firmware/seabios", "firmware/boot-device");
        List<TimelinePhase> t = lab.timeline(List.of("b1"));
        for (int i = 1; i < t.size(); i++) {
            assertThat(t.get(i).start()).isGreaterThanOrEqualTo(t.get(i - 1).start());
            assertThat(t.get(i - 1).end()).contains(t.get(i).start());
        }
        assertThat(lab.vm("b1").console(0).text()).contains("SeaBIOS");
        assertThat(lab.vm("b1").state()).isEqualTo(VmState.STARTING); // no OS: never ready
        long pid = pid("b1");

        // the lab closes (the shell exits): the VM goes on, and the lab opened again takes it up
        lab.close();
        assertThat(ProcessHandle.of(pid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
        open();
        assertThat(lab.vm("b1").state()).isEqualTo(VmState.STARTING);
        assertThat(lab.vm("b1").console(0).live()).isTrue();
        lab.vm("b1").destroy(); // through the monitor it reconnected to
        eventually(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertThat(lab.vm("b1").state()).isEqualTo(VmState.SHUTOFF);

        // QEMU killed behind the lab's back: crashed, and the lab file says so
        lab.vm("b1").start();
        long second = pid("b1");
        ProcessHandle.of(second).orElseThrow().destroyForcibly();
        eventually(() -> ProcessHandle.of(second).map(p -> !p.isAlive()).orElse(true));
        assertThat(lab.vm("b1").state()).isEqualTo(VmState.CRASHED);
        assertThat(lab.vm("b1").info().reason()).contains("QEMU's process ended without hyperlab stopping it");
        assertThat(Files.readString(dir.resolve("lab/qemu-lab.json"))).contains("\"crashed\"");
        assertThat(lab.timeline(List.of("b1")).getLast().end()).isPresent(); // the phase under way ended
        lab.vm("b1").start(); // a crashed VM starts again
        lab.vm("b1").destroy();
    }

    @Test
    void aVmKilledWhileNoLabWasOpenIsFoundCrashedOnOpen() throws Exception {
        open();
        lab.createVm(spec("b2", blankDisk()));
        lab.vm("b2").start();
        long pid = pid("b2");
        lab.close();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        eventually(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        open();
        assertThat(Files.readString(dir.resolve("lab/qemu-lab.json"))).contains("\"crashed\"");
        assertThat(lab.vm("b2").state()).isEqualTo(VmState.CRASHED);
    }

    @Test
    void aGuestThatNeverGetsReadyTimesOutWithTheConsolesLastLinesAndIsStopped() throws Exception {
        open();
        lab.createVm(spec("b3", blankDisk()));
        lab.vm("b3").start();
        eventually(() -> lab.vm("b3").console(0).text().contains("No bootable device")); // SeaBIOS gave up
        assertThatThrownBy(() -> lab.vm("b3").waitFor(VmState.RUNNING, Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(LabException.class, e -> assertThat(e.kind()).isEqualTo(LabException.Kind.TIMEOUT))
                .hasMessageContaining("did not get ready within 1 s and was stopped")
                .hasMessageContaining("No bootable device");
        assertThat(lab.vm("b3").state()).isEqualTo(VmState.SHUTOFF);
        assertThat(QemuVmFiles.of(dir.resolve("lab"), "b3").process()).isEmpty();
    }

    @Test
    void anImageQemuRefusesIsOneErrorAndNothingIsLeftRunning() throws Exception {
        open();
        Path bad = dir.resolve("bad.qcow2");
        byte[] junk = new byte[4096];
        junk[0] = 'Q';
        junk[1] = 'F';
        junk[2] = 'I';
        junk[3] = (byte) 0xfb; // qcow2's magic, then nothing a qcow2 header holds
        Files.write(bad, junk);
        lab.createVm(spec("b4", bad.toString()));
        assertThatThrownBy(() -> lab.vm("b4").start()).isInstanceOf(LabException.class)
                .hasMessageContaining("QEMU did not start VM b4").hasMessageContaining("qcow2");
        assertThat(lab.vm("b4").state()).isEqualTo(VmState.DEFINED);
        assertThat(QemuVmFiles.of(dir.resolve("lab"), "b4").process()).isEmpty();
    }
}
