package dev.hyperlab.core.qemu;

import dev.hyperlab.api.lab.HostStat;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.VmMemory;
import dev.hyperlab.api.lab.VmStat;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.calibration.Workloads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real VM's {@code vm stat}, from what QEMU and the host kernel measure: bytes and request times from the monitor's
 * {@code query-blockstats} (every block device, since the QEMU process started), the vCPU threads from
 * {@code query-cpus-fast} and each thread's run and run-queue wait times from the kernel's
 * {@code /proc/PID/task/TID/schedstat} (CPU ready is the wait's share of the two), the guest's memory use from the
 * balloon ({@link QemuMemory}). A real guest runs whatever it runs: its workload is not the lab's to set.
 */
final class QemuStats {
    private final QemuLab lab;

    QemuStats(QemuLab lab) {
        this.lab = lab;
    }

    VmStat read(String vm) {
        VmState s = lab.state(vm);
        if (s != VmState.RUNNING && s != VmState.PAUSED) {
            return new VmStat(vm, Workloads.IDLE, s, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        long wrBytes = 0;
        long rdBytes = 0;
        long ops = 0;
        long timeNs = 0;
        if (lab.command(vm, "query-blockstats", Map.of()) instanceof List<?> devices) {
            for (Object d : devices) {
                if (d instanceof Map<?, ?> dev && dev.get("stats") instanceof Map<?, ?> st) {
                    wrBytes += num(st, "wr_bytes");
                    rdBytes += num(st, "rd_bytes");
                    ops += num(st, "rd_operations") + num(st, "wr_operations");
                    timeNs += num(st, "rd_total_time_ns") + num(st, "wr_total_time_ns");
                }
            }
        }
        double ready = 0;
        long pid = QemuVmFiles.of(lab.dir(), vm).process().map(ProcessHandle::pid).orElse(-1L);
        if (pid > 0 && lab.command(vm, "query-cpus-fast", Map.of()) instanceof List<?> cpus) {
            long run = 0;
            long wait = 0;
            for (Object c : cpus) {
                if (c instanceof Map<?, ?> cpu && cpu.get("thread-id") instanceof Long tid) {
                    long[] rw = schedstat(pid, tid);
                    run += rw[0];
                    wait += rw[1];
                }
            }
            ready = run + wait > 0 ? (double) wait / (run + wait) : 0;
        }
        VmMemory m = lab.memory().read(vm);
        double latency = ops > 0 ? timeNs / 1e9 / ops : 0;
        // QMP has no counters of a NIC's bytes (its user-mode network has no host device to read them from): 0 each way
        return new VmStat(vm, Workloads.IDLE, s, ready, latency, wrBytes, rdBytes, Math.max(0, m.actual() - m.usable()),
                0, 0, 0);
    }

    HostStat host(String name) {
        int running = 0;
        double readySum = 0;
        double latencySum = 0;
        long written = 0;
        long read = 0;
        long used = 0;
        long netRx = 0;
        long netTx = 0;
        for (Vm v : lab.vms()) {
            VmStat st = read(v.name());
            if (st.state() != VmState.RUNNING && st.state() != VmState.PAUSED) {
                continue;
            }
            running++;
            readySum += st.cpuReady();
            latencySum += st.diskLatency();
            written += st.diskWritten();
            read += st.diskRead();
            used += st.memoryUsed();
            netRx += st.netRx();
            netTx += st.netTx();
        }
        return new HostStat(name, running, running > 0 ? readySum / running : 0,
                running > 0 ? latencySum / running : 0, written, read, used, netRx, netTx);
    }

    private static long num(Map<?, ?> m, String key) {
        return m.get(key) instanceof Long l ? l : 0;
    }

    /** A thread's time on a CPU and waiting on a run queue, in nanoseconds ({0, 0} when it cannot be read). */
    private static long[] schedstat(long pid, long tid) {
        try {
            String[] f = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "schedstat"))
                    .trim().split("\\s+");
            if (f.length >= 2) {
                return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
            }
        } catch (IOException | NumberFormatException | LabException e) {
            // a thread that ended, or a kernel without schedstats: nothing measured for it
        }
        return new long[] {0, 0};
    }
}
