package dev.hyperlab.core.qemu;

import dev.hyperlab.api.lab.SecureBootKey;
import dev.hyperlab.api.lab.Host;
import dev.hyperlab.api.lab.HostInfo;
import dev.hyperlab.api.lab.HostMemory;
import dev.hyperlab.api.lab.HostOs;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.MemoryPolicy;
import dev.hyperlab.api.lab.StartPolicy;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.Wait;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code local}: this machine, the one host of a QEMU lab. It is running from the start and cannot be powered off or
 * reinstalled from the lab; what it has (cores, memory, CPU clock) is read from the kernel, its hypervisor is QEMU with
 * the accelerator it found.
 */
final class QemuHost implements Host {
    static final String NAME = "local";

    private final QemuLab lab;

    QemuHost(QemuLab lab) {
        this.lab = lab;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public HostState state() {
        return HostState.RUNNING;
    }

    @Override
    public HostInfo info() {
        QemuBinary q = lab.qemu();
        return new HostInfo(NAME, HostState.RUNNING, cores(), memoryBytes(), cpuGhz(), "", List.of(), List.of(),
                "qemu " + q.version() + " (" + q.accelerator() + ", " + q.hypervisorType() + ")", "linux " + kernel(),
                StartPolicy.UNLIMITED, lab.vms().stream().map(Vm::name).toList(), "", false);
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** MemTotal of /proc/meminfo, in bytes. */
    static long memoryBytes() {
        for (String l : procLines("/proc/meminfo")) {
            if (l.startsWith("MemTotal:")) {
                String[] w = l.split("\\s+");
                try {
                    return Long.parseLong(w[1]) * 1024;
                } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /** The first CPU's clock in GHz from /proc/cpuinfo (0 where it does not say). */
    static double cpuGhz() {
        for (String l : procLines("/proc/cpuinfo")) {
            if (l.startsWith("cpu MHz")) {
                try {
                    return Math.round(Double.parseDouble(l.substring(l.indexOf(':') + 1).trim()) / 100) / 10.0;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    private static String kernel() {
        List<String> l = procLines("/proc/sys/kernel/osrelease");
        return l.isEmpty() ? "" : l.getFirst().trim();
    }

    private static List<String> procLines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public void install(HypervisorType type) {
        throw fixed("install a hypervisor on");
    }

    @Override
    public void install(HypervisorType type, HostOs hostOs) {
        throw fixed("install a hypervisor on");
    }

    @Override
    public void powerOn() {
        throw fixed("power on");
    }

    @Override
    public void powerOn(Wait wait) {
        throw fixed("power on");
    }

    @Override
    public void delete() {
        throw LabException.notAllowed("host local is this machine: a QEMU lab has it always",
                "delete the lab's VMs with vm delete, or the lab's directory");
    }

    @Override
    public dev.hyperlab.api.lab.MaintenanceInfo maintenance(boolean on) {
        throw QemuVm.later("host maintenance (a QEMU lab has one host, local: there is no other host to drain it to)");
    }

    @Override
    public java.time.Duration preload(String os) {
        throw QemuVm.later("host preload (this machine's page cache is the kernel's: vmtouch or cat the base image)");
    }

    @Override
    public void powerOff() {
        throw fixed("power off");
    }

    @Override
    public void powerOff(Wait wait) {
        throw fixed("power off");
    }

    @Override
    public void reset() {
        throw fixed("reset");
    }

    @Override
    public void reset(Wait wait) {
        throw fixed("reset");
    }

    @Override
    public void waitFor(HostState state, Duration timeout) {
        if (state != HostState.RUNNING) {
            throw LabException.notAllowed("host local is this machine: it stays running", "wait for a VM instead");
        }
    }

    @Override
    public List<Vm> vms() {
        return lab.vms();
    }

    @Override
    public dev.hyperlab.api.lab.HostStat stat() {
        return lab.stats().host(NAME);
    }

    @Override
    public HostMemory memory() {
        throw QemuVm.later("host memory statistics");
    }

    @Override
    public MemoryPolicy memoryPolicy() {
        throw QemuVm.later("memory policies");
    }

    @Override
    public void setMemoryPolicy(MemoryPolicy policy) {
        throw QemuVm.later("memory policies");
    }

    @Override
    public StartPolicy startPolicy() {
        return StartPolicy.UNLIMITED;
    }

    @Override
    public void setStartPolicy(StartPolicy policy) {
        throw QemuVm.later("start policies");
    }

    private static LabException fixed(String what) {
        return LabException.notAllowed("cannot " + what + " host local: it is this machine, running QEMU",
                "a QEMU lab's one host is always running (docs/qemu.md)");
    }

    @Override
    public SecureBootKey secureBootEnroll(String certificateFile) {
        throw QemuVm.later("Secure Boot keys");
    }

    @Override
    public List<SecureBootKey> secureBootKeys() {
        return List.of();
    }

    @Override
    public dev.hyperlab.api.lab.HostCalibration calibrate(int maxAtOnce, String profileFile) {
        return new HostCalibrator(lab).run(maxAtOnce, profileFile);
    }
}
