package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A lab in a directory keeps real images: qemu-img accepts every one, and VMs boot from their overlays. */
class LabImagesTest {
    @TempDir
    Path tmp;

    static String qemuImg(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("qemu-img"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
        return out;
    }

    @Test
    void vmsBootFromQcow2OverlaysThatQemuImgAccepts() throws Exception {
        Assumptions.assumeFalse("1".equals(System.getenv("HYPERLAB_SKIP_QEMU_IMG")), "HYPERLAB_SKIP_QEMU_IMG=1");
        Path dir = tmp.resolve("lab");
        try (LocalLab lab = Labs.open(dir, 3)) {
            lab.createHost(HostSpec.of("h", 8, Sizes.parse("32GiB")));
            lab.host("h").install(HypervisorType.TYPE1);
            lab.host("h").powerOn();
            lab.host("h").waitFor(HostState.RUNNING, Duration.ofMinutes(5));
            lab.createVm(VmSpec.of("bios-vm", "h", 1, Sizes.parse("1GiB")).withOs("linux-server"));
            lab.createVm(VmSpec.of("uefi-vm", "h", 1, Sizes.parse("1GiB")).withOs("linux-desktop")
                    .withDisks(List.of("2GiB")));
            lab.createVm(VmSpec.of("blank-vm", "h", 1, Sizes.parse("1GiB")).withDisks(List.of("1GiB")));
            for (var vm : lab.vms()) {
                vm.start();
            }
            lab.advance("5m");
            assertThat(lab.vm("bios-vm").state()).isEqualTo(VmState.RUNNING);
            assertThat(lab.vm("uefi-vm").state()).isEqualTo(VmState.RUNNING);
            assertThat(lab.vm("blank-vm").state()).isEqualTo(VmState.CRASHED);
            assertThat(lab.vm("blank-vm").info().reason()).startsWith("No bootable device");
            var disks = lab.vm("uefi-vm").info().disks();
            assertThat(disks).extracting(d -> d.format()).containsExactly("qcow2", "qcow2");
        }
        try (var files = Files.walk(dir)) {
            for (Path img : files.filter(p -> p.toString().endsWith(".qcow2")).toList()) {
                qemuImg("check", img.toString());
            }
        }
        String info = qemuImg("info", "--output=json", dir.resolve("vms/uefi-vm/disk0.qcow2").toString());
        assertThat(info).contains("\"backing-filename\"").contains("linux-desktop-uefi.qcow2");
        // the host's disk is a raw image holding a GPT the partitioning tools accept
        String host = dir.resolve("hosts/h/disk0.raw").toString();
        assertThat(qemuImg("info", "--output=json", host)).contains("\"format\": \"raw\"");
    }
}
