package dev.hyperlab.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What tests of the QEMU backend clean up after themselves: a real VM's QEMU must not outlive its test. */
final class RealVms {
    private RealVms() {}

    /** Kills the QEMU of VM {@code vm} of the lab in {@code lab}, if its pid file names a live process. */
    static void kill(Path lab, String vm) throws IOException {
        Path pid = lab.resolve("vms").resolve(vm).resolve("qemu.pid");
        if (Files.exists(pid)) {
            String text = Files.readString(pid).trim();
            if (!text.isEmpty()) {
                ProcessHandle.of(Long.parseLong(text)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
