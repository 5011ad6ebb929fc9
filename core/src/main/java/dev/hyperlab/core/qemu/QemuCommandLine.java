package dev.hyperlab.core.qemu;

import dev.hyperlab.api.lab.LabException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a VM's QEMU: run as the user under {@code setsid} (its own session: a Ctrl-C or the end of the
 * shell's terminal does not reach it, as with virsh), no display, no network device, no defaults, the serial console
 * appended to the VM's console log, the monitor on the VM's QMP socket, {@code -no-shutdown} (a guest that powers off
 * leaves QEMU waiting to be told, so that a QEMU that is gone has crashed), its disks as virtio-blk, a virtio balloon.
 */
final class QemuCommandLine {
    /** The UEFI firmware of Debian's ovmf package. */
    static final Path OVMF = Path.of("/usr/share/ovmf/OVMF.fd");

    /** The balloon device's id: its QOM path is {@code /machine/peripheral/balloon}. */
    static final String BALLOON = "balloon";

    private QemuCommandLine() {}

    /**
     * @param incoming start from the memory a suspend saved ({@code -incoming})
     * @param loadvm the internal snapshot to start from ({@code -loadvm}), or empty for a boot
     */
    static List<String> of(QemuBinary qemu, QemuVmRecord vm, QemuVmFiles files, boolean incoming, String loadvm) {
        List<String> c = new ArrayList<>(List.of("setsid", qemu.command(),
                "-name", "hyperlab-" + vm.name(),
                "-machine", "pc,graphics=off,accel=" + qemu.accelerator(),
                "-smp", Integer.toString(vm.vcpus()),
                "-m", (vm.memory() >> 20) + "M",
                "-nodefaults", "-no-user-config", "-display", "none", "-nic", "none",
                "-chardev", "file,id=console,path=" + option(files.console()) + ",append=on",
                "-serial", "chardev:console",
                "-qmp", "unix:" + option(files.socket()) + ",server=on,wait=off",
                "-pidfile", files.pidFile().toAbsolutePath().toString(),
                // the balloon (mem balloon) and its guest statistics (mem stat); the guest loads virtio_balloon
                "-device", "virtio-balloon-pci,id=" + BALLOON,
                "-no-shutdown"));
        if (vm.firmware().equals("uefi")) {
            if (!Files.isReadable(OVMF)) {
                throw LabException.notFound("no UEFI firmware at " + OVMF, "install ovmf (apt-get install ovmf)");
            }
            c.addAll(List.of("-bios", OVMF.toString()));
        }
        int i = 0;
        for (String d : vm.disks()) {
            c.addAll(List.of("-drive", "file=" + option(Path.of(d)) + ",if=virtio,index=" + i++ + ",format="
                    + ImageFormat.of(Path.of(d))));
        }
        if (!loadvm.isEmpty()) {
            c.addAll(List.of("-loadvm", loadvm));
        }
        if (incoming) {
            c.addAll(List.of("-incoming", "exec:cat " + shellQuoted(files.memoryState())));
        }
        return c;
    }

    /** A path inside a QEMU option value, where a comma is written twice. */
    private static String option(Path p) {
        return p.toAbsolutePath().toString().replace(",", ",,");
    }

    /** A path as one word of /bin/sh (QEMU runs exec: migrations through it). */
    static String shellQuoted(Path p) {
        return "'" + p.toAbsolutePath().toString().replace("'", "'\\''") + "'";
    }
}
