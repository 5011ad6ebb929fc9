package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code disk create --os tiny-linux} writes the real test guest (core's TinyLinuxImageTest and TinyLinuxBootTest
 * check the image and boot it): the same through the command, a JavaScript spec and a Java snippet, and a simulated
 * VM of that profile still boots. CI installs the guest's Debian packages (.ci/run).
 */
class TinyLinuxDiskTest {
    @TempDir
    Path dir;

    @Test
    void theCommandTheScriptAndTheSnippetEachWriteAGuestThatQemuImgAndDiskLsRead() throws Exception {
        Assumptions.assumeFalse("1".equals(System.getenv("HYPERLAB_SKIP_QEMU_IMG")), "HYPERLAB_SKIP_QEMU_IMG=1");
        try (ShellFixture shell = ShellFixture.in(dir.resolve("lab"))) {
            // the form: no size, so the profile's own disk
            assertThat(shell.ok("disk create " + dir.resolve("cmd.qcow2") + " --os tiny-linux"))
                    .contains("created qcow2 image " + dir.resolve("cmd.qcow2"));
            shell.ok("js lab.createDisk({path: '" + dir.resolve("js.qcow2") + "', size: '128MiB', os: 'tiny-linux'})");
            shell.ok("java lab.createDisk(DiskSpec.of(\"" + dir.resolve("java.qcow2") + "\", Sizes.parse(\"128MiB\"))"
                    + ".withOs(\"tiny-linux\"))");
            for (String name : List.of("cmd", "js", "java")) {
                Path image = dir.resolve(name + ".qcow2");
                Process check = new ProcessBuilder("qemu-img", "check", image.toString()).redirectErrorStream(true).start();
                String out = new String(check.getInputStream().readAllBytes());
                assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(check.exitValue()).as(out).isZero();
                assertThat(shell.ok("disk ls " + image).lines()).as(name)
                        .contains("EFI", "INITRD.GZ", "SYSLINUX.CFG", "VMLINUZ", "ldlinux.sys", "ldlinux.c32"); // syslinux names its own in lower case
            }
            assertThat(Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList())
                    .as("no temporary file left").containsExactly("cmd.qcow2", "java.qcow2", "js.qcow2", "lab");
            // a VM of the profile in a lab on files gets an overlay on a base image that is the real guest
            shell.ok("host create h --cores 8 --ram 32GiB; host install h --hypervisor type1; host power-on h --wait;"
                    + "vm create t --host h --vcpus 1 --memory 256MiB --os tiny-linux; vm start t --wait");
            assertThat(shell.run("vm info t --json").json().get("state").asText()).isEqualTo("running");
            assertThat(shell.ok("disk ls " + dir.resolve("lab/images/tiny-linux-bios.qcow2")).lines()).contains("VMLINUZ");
        }
    }

    @Test
    void aSimulatedVmOfTheProfileBootsAndBadSizesOrFirmwareAreOneLineErrors() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.ok("host create h --cores 8 --ram 32GiB; host install h --hypervisor type1; host power-on h --wait;"
                    + "vm create t --host h --vcpus 1 --memory 256MiB --os tiny-linux; vm start t --wait");
            assertThat(shell.run("vm info t --json").json().get("state").asText()).isEqualTo("running");
            ShellFixture.Result small = shell.run("disk create " + dir.resolve("x.qcow2") + " --size 32MiB --os tiny-linux");
            assertThat(small.err()).startsWith("error: disk size 32 MiB is too small for tiny-linux").hasLineCount(1);
            ShellFixture.Result direct = shell.run("disk create " + dir.resolve("x.qcow2") + " --size 1GiB --os tiny-linux --firmware direct");
            assertThat(direct.err()).startsWith("error: tiny-linux boots through bios or uefi firmware, not direct").hasLineCount(1);
            assertThat(dir.resolve("x.qcow2")).doesNotExist();
        }
    }
}
