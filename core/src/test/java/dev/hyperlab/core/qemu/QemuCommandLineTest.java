package dev.hyperlab.core.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.core.storage.DiskImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's design, without running QEMU: a VM's QEMU has no network device, its socket, pid file and console are in
 * the VM's directory of the lab (mode 0700, also made 0700 when it was not), it runs with the accelerator the binary
 * found (KVM where /dev/kvm is usable, TCG otherwise), in its own session; a socket path Linux cannot take is one
 * error.
 */
class QemuCommandLineTest {
    @TempDir
    Path lab;

    private static QemuVmRecord vm(String firmware, List<String> disks) {
        return new QemuVmRecord("g1", 2, 256L << 20, firmware, "tiny-linux", disks, 0, QemuVmRecord.Power.DEFINED, "",
                List.of(), "", 0);
    }

    @Test
    void noNetworkDeviceItsFilesInTheLabAndTheAcceleratorFound() throws Exception {
        QemuVmFiles files = QemuVmFiles.of(lab, "g1");
        Files.createDirectories(files.dir());
        Files.setPosixFilePermissions(files.dir(), PosixFilePermissions.fromString("rwxr-xr-x"));
        files.create();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.dir()))).isEqualTo("rwx------");

        Path disk = files.dir().resolve("a,b.qcow2");
        DiskImages.create(disk, dev.hyperlab.core.storage.ImageFormat.QCOW2, 1L << 20).close();
        for (String accel : List.of("kvm", "tcg")) {
            List<String> c = QemuCommandLine.of(new QemuBinary("qemu-system-x86_64", 8, 2, 2, accel),
                    vm("bios", List.of(disk.toString())), files, false, "");
            String line = String.join(" ", c);
            assertThat(c.getFirst()).isEqualTo("setsid");
            assertThat(line).contains("accel=" + accel, "-nic none", "-nodefaults", "-no-user-config")
                    .doesNotContain("-netdev", "-net ", "-bios", "-incoming", "-loadvm");
            assertThat(c.stream().filter(a -> a.startsWith("-device")).count()).isEqualTo(1); // the balloon only
            assertThat(line).contains("unix:" + files.socket().toAbsolutePath() + ",server=on",
                    "path=" + files.console().toAbsolutePath() + ",append=on",
                    "-pidfile " + files.pidFile().toAbsolutePath(),
                    // a comma in a path is doubled in QEMU's option
                    "file=" + files.dir().toAbsolutePath() + "/a,,b.qcow2,if=virtio,index=0,format=qcow2");
        }
    }

    @Test
    void aSocketPathLinuxCannotTakeIsOneError() {
        QemuVmFiles files = QemuVmFiles.of(lab.resolve("x".repeat(120)), "g1");
        assertThatThrownBy(files::create).isInstanceOf(LabException.class)
                .hasMessageContaining("longer than the 107 bytes a Unix socket takes");
    }
}
