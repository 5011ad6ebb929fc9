package dev.hyperlab.core.qemu;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.VmMemory;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.engine.machine.VmMemoryRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real VM's memory, as {@code virsh dommemstat} reads it: the balloon from QEMU's monitor ({@code query-balloon},
 * and {@code balloon} to move it), the guest's own figures from the virtio balloon's statistics (the guest driver
 * reports them every {@link #STATS_INTERVAL_S} seconds once asked), and what the host pays from the kernel's view of
 * QEMU's process ({@code /proc/PID/smaps}: the guest RAM mapping's resident and swapped bytes; {@code stat}: major
 * faults; {@code ksm_merging_pages}: pages KSM shares).
 */
final class QemuMemory {
    /** How often the guest's balloon driver reports its statistics (virsh dommemstat --period). */
    static final int STATS_INTERVAL_S = 2;
    private static final String BALLOON_PATH = "/machine/peripheral/" + QemuCommandLine.BALLOON;
    private static final long PAGE = 4096;

    private final QemuLab lab;

    QemuMemory(QemuLab lab) {
        this.lab = lab;
    }

    /** Asks the guest's balloon driver for its statistics (QEMU keeps the period while it runs). */
    void startStatistics(String vm) {
        lab.command(vm, "qom-set", Map.of("path", BALLOON_PATH, "property", "guest-stats-polling-interval",
                "value", STATS_INTERVAL_S));
    }

    VmMemory read(String vm) {
        QemuVmRecord v = lab.record(vm);
        requireRunning(vm, "has no memory in use");
        long actual = lab.command(vm, "query-balloon", Map.of()) instanceof Map<?, ?> b
                && b.get("actual") instanceof Long a ? a : v.memory();
        ProcessMemory host = QemuVmFiles.of(lab.dir(), vm).process().map(p -> ProcessMemory.of(p.pid(), v.memory()))
                .orElse(ProcessMemory.NONE);
        Map<?, ?> stats = guestStats(vm);
        long guestAvailable = stat(stats, "stat-available-memory").or(() -> stat(stats, "stat-free-memory"))
                .orElse(-1L);
        // until the guest's driver reports (every STATS_INTERVAL_S), nothing says what it uses: all of it is usable
        long usable = guestAvailable >= 0 ? Math.min(guestAvailable, actual) : actual;
        return new VmMemory(v.memory(), v.balloonTarget(), actual, v.memory() - actual, usable, host.resident(),
                host.swapped(), host.shared(), host.majorFaults());
    }

    void setTarget(String vm, long bytes) {
        QemuVmRecord v = lab.record(vm);
        VmMemoryRule.requireBalloonTarget(vm, bytes, v.memory());
        requireRunning(vm, "has no balloon to move");
        lab.command(vm, "balloon", Map.of("value", bytes));
        lab.update(lab.record(vm).withBalloonTarget(bytes));
    }

    private void requireRunning(String vm, String what) {
        VmState s = lab.state(vm);
        if (s != VmState.RUNNING && s != VmState.PAUSED && s != VmState.STARTING) {
            throw LabException.notAllowed("VM " + vm + " is " + s.id() + ": it " + what, "vm start " + vm
                    + " first");
        }
    }

    /** The guest's balloon statistics, one monitor call; empty until the guest has reported once. */
    private Map<?, ?> guestStats(String vm) {
        if (lab.command(vm, "qom-get", Map.of("path", BALLOON_PATH, "property", "guest-stats")) instanceof Map<?, ?> g
                && g.get("last-update") instanceof Long updated && updated > 0
                && g.get("stats") instanceof Map<?, ?> stats) {
            return stats;
        }
        return Map.of();
    }

    /** One statistic, when the guest reports it (QEMU says -1 for one it does not). */
    private static Optional<Long> stat(Map<?, ?> stats, String name) {
        return stats.get(name) instanceof Long value && value >= 0 ? Optional.of(value) : Optional.empty();
    }

    /** What the host kernel says of a QEMU process's guest RAM. */
    record ProcessMemory(long resident, long swapped, long shared, long majorFaults) {
        static final ProcessMemory NONE = new ProcessMemory(0, 0, 0, 0);

        /**
         * The guest RAM is QEMU's largest anonymous mapping, at least the VM's memory in size; its {@code Rss} and
         * {@code Swap} are what the guest holds of the host. A process that ends while being read reads as nothing.
         */
        static ProcessMemory of(long pid, long memory) {
            Path proc = Path.of("/proc", Long.toString(pid));
            long resident = 0;
            long swapped = 0;
            try {
                long size = -1;
                boolean anonymous = false;
                long bestSize = -1;
                long rss = 0;
                long swap = 0;
                List<String> lines = Files.readAllLines(proc.resolve("smaps"));
                lines.add("00000000-00000000 ---p 00000000 00:00 0"); // ends the last mapping
                for (String line : lines) {
                    int colon = line.indexOf(':');
                    boolean header = colon < 0 || line.indexOf(' ') < colon;
                    if (header) {
                        if (anonymous && size >= memory && size > bestSize) {
                            bestSize = size;
                            resident = rss;
                            swapped = swap;
                        }
                        String[] f = line.trim().split("\\s+");
                        anonymous = f.length == 5;
                        size = -1;
                        rss = 0;
                        swap = 0;
                    } else if (line.startsWith("Size:")) {
                        size = kib(line);
                    } else if (line.startsWith("Rss:")) {
                        rss = kib(line);
                    } else if (line.startsWith("Swap:")) {
                        swap = kib(line);
                    }
                }
            } catch (IOException | RuntimeException e) {
                return NONE;
            }
            return new ProcessMemory(resident, swapped, ksmShared(proc), majorFaults(proc));
        }

        private static long kib(String line) {
            String[] f = line.trim().split("\\s+");
            return Long.parseLong(f[1]) * 1024;
        }

        private static long ksmShared(Path proc) {
            try {
                return Long.parseLong(Files.readString(proc.resolve("ksm_merging_pages")).trim()) * PAGE;
            } catch (IOException | RuntimeException e) {
                return 0; // a kernel before 6.1, or no KSM
            }
        }

        /** Field 12 of /proc/PID/stat, counted after the command name (which may hold spaces) ends. */
        private static long majorFaults(Path proc) {
            try {
                String stat = Files.readString(proc.resolve("stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[9]);
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }
    }
}
