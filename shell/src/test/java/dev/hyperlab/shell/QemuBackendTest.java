package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.lab.Labs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The QEMU backend end to end from the shell, with real QEMU (TCG) booting the tiny-linux guest through SeaBIOS (and,
 * in a test of its own, through OVMF). One
 * guest is booted and reused across the assertions (a TCG boot takes seconds): a shell process starts it and is
 * killed with SIGKILL; the shell opened again finds it running, reads its timeline and console, shuts it down; then
 * its QEMU is killed and the VM is crashed, the lab consistent.
 */
class QemuBackendTest {
    private static final Duration PATIENCE = Duration.ofMinutes(5);

    @TempDir
    Path home;

    private Process shell;

    private ShellFixture open() {
        return new ShellFixture(() -> Labs.open(home.resolve("lab"), 1, Extensions.builtIn(), Optional.empty()));
    }

    /** Polls until {@code done} (the deadline only keeps a broken run from hanging; no timing is asserted). */
    private static void eventually(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("still waiting after %s", PATIENCE).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private String read(String file) {
        try {
            Path p = home.resolve("lab").resolve(file);
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private long qemuPid() {
        return Long.parseLong(read("vms/g1/qemu.pid").trim());
    }

    @AfterEach
    void stopEverything() {
        if (shell != null) {
            shell.destroyForcibly();
        }
        String pid = read("vms/g1/qemu.pid").trim();
        if (!pid.isEmpty()) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aRealGuestBootsOutlivesAKilledShellShutsDownAndCrashes() throws Exception {
        // a shell process makes the lab, starts the guest and stays (advance waits on this backend) until killed
        List<String> cmd = new ArrayList<>(ShellProcess.command(List.of(), "--lab", home.resolve("lab").toString(),
                "--backend", "qemu", "-c", "vm create g1 --host local --vcpus 1 --memory 256MiB --os tiny-linux;"
                        + " vm start g1 --wait --timeout 5m; advance 1h"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(home.resolve("shell.log").toFile());
        ShellProcess.environment(pb.environment(), home);
        shell = pb.start();
        eventually(() -> read("vms/g1/timeline.jsonl").contains("\"phase\":\"ready\"") || !shell.isAlive());
        assertThat(shell.isAlive()).as("the shell: %s", read("../shell.log")).isTrue();
        shell.destroyForcibly(); // kill -9: it saves nothing on its way out
        shell.waitFor();
        long pid = qemuPid();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

        try (ShellFixture sh = open()) {
            assertThat(sh.run("lab info --json").json().get("backend").asText()).isEqualTo("qemu");
            JsonNode vm = sh.run("vm info g1 --json").json();
            assertThat(vm.get("state").asText()).isEqualTo("running"); // reconnected, not crashed

            List<String> phases = new ArrayList<>();
            double last = -1;
            for (JsonNode p : sh.run("timeline g1 --json").json()) {
                phases.add(p.get("phase").asText() + (p.get("step").asText().isEmpty() ? "" : "/" + p.get("step").asText()));
                assertThat(p.get("start").asDouble()).isGreaterThanOrEqualTo(last);
                last = p.get("start").asDouble();
            }
            // the guest is not held for QMP: under load its firmware may print before the QMP handshake ends
            assertThat(phases).contains("vmm/qmp");
            assertThat(phases).containsSubsequence("vmm/start", "firmware/seabios", "firmware/boot-device",
                    "bootloader", "kernel", "init/init", "init/drivers");
            assertThat(sh.ok("vm console g1 --no-follow")).contains("Linux version").contains("hyperlab-guest: ready");
            assertThat(read("vms/g1/console.log")).contains("Linux version");

            assertThat(sh.ok("vm shutdown g1 --wait --timeout 2m")).contains("shutoff");
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(sh.ok("timeline g1")).contains("shutdown");

            // QEMU killed behind the lab's back: crashed with QEMU's last words, the lab consistent
            sh.ok("vm start g1");
            long second = qemuPid();
            ProcessHandle.of(second).orElseThrow().destroyForcibly();
            eventually(() -> ProcessHandle.of(second).map(p -> !p.isAlive()).orElse(true));
            JsonNode crashed = sh.run("vm info g1 --json").json();
            assertThat(crashed.get("state").asText()).isEqualTo("crashed");
            assertThat(crashed.get("reason").asText()).contains("killed by signal 9");
            assertThat(sh.run("vm destroy g1").err()).contains("error: VM g1 is crashed");
            assertThat(read("qemu-lab.json")).contains("\"crashed\"");
            assertThat(sh.run("lab info --json").json().get("vms").asInt()).isEqualTo(1);
        }
    }

    @Test
    void aRealGuestBootsThroughOvmfToReadyInTheLab() throws Exception {
        try (ShellFixture sh = new ShellFixture(
                () -> Labs.open(home.resolve("lab"), 1, Extensions.builtIn(), Optional.of("qemu")))) {
            sh.ok("vm create g1 --host local --vcpus 1 --memory 256MiB --os tiny-linux --firmware uefi;"
                    + " vm start g1 --wait --timeout 5m");
            assertThat(sh.run("vm info g1 --json").json().get("state").asText()).isEqualTo("running");
            List<String> phases = new ArrayList<>();
            for (JsonNode p : sh.run("timeline g1 --json").json()) {
                phases.add(p.get("phase").asText() + (p.get("step").asText().isEmpty() ? "" : "/" + p.get("step").asText()));
            }
            // OVMF's boot manager names the device it boots (BdsDxe), then SYSLINUX's EFI loader and the kernel
            assertThat(phases).containsSubsequence("vmm/start", "vmm/qmp", "firmware/boot-device", "kernel", "init/init")
                    .doesNotContain("firmware/seabios");
            assertThat(sh.ok("vm console g1 --no-follow")).contains("BdsDxe").contains("Linux version")
                    .contains("hyperlab-guest: ready");
            sh.ok("vm destroy g1");
        }
    }
}
