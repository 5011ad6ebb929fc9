package dev.hyperlab.shell.commands.vm;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmInfo;
import dev.hyperlab.api.lab.VmResources;
import dev.hyperlab.shell.command.Args;
import dev.hyperlab.shell.error.ShellException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The resource-control options {@code vm set} and {@code vm create} share: CPU shares, reservation and limit, memory
 * reservation and limit, disk shares, IOPS limit and reservation, with vSphere's meaning (cgroup v2's cpu.weight,
 * cpu.max, memory.min, memory.max, io.weight, io.max; libvirt's iotune).
 */
final class ResourceOptions {
    @Option(names = "--cpu-shares", paramLabel = "N", description = "CPU shares: its weight when the host's cores are "
            + "contended (1,000 a vCPU is normal; 0 restores that).")
    Integer cpuShares;

    @Option(names = "--cpu-reservation", paramLabel = "MHz|GHz|CORES", description = "CPU rate it always gets when it "
            + "has work, however busy the host: 2100MHz, 2.1GHz, 1.5cores (at the host's clock); 0 for none. A start "
            + "whose reservation the host cannot cover is refused.")
    String cpuReservation;

    @Option(names = "--cpu-limit", paramLabel = "MHz|GHz|CORES", description = "CPU rate it never exceeds, even on idle "
            + "cores; 0 for none.")
    String cpuLimit;

    @Option(names = "--mem-reservation", paramLabel = "SIZE", description = "Memory never ballooned or swapped, "
            + "promised at start: 2GiB; 0 for none.")
    String memReservation;

    @Option(names = "--mem-limit", paramLabel = "SIZE", description = "Memory it keeps resident at most: what its guest "
            + "touches beyond it, its host swaps out; 0 for none.")
    String memLimit;

    @Option(names = "--disk-shares", paramLabel = "low|normal|high|N", description = "Disk shares: its weight when "
            + "its host's datastore is contended, as vSphere's per-disk low 500, normal 1000, high 2000 (cgroup v2's "
            + "io.weight); 0 restores the default (1,000 a vCPU).")
    String diskShares;

    @Option(names = "--disk-iops-limit", paramLabel = "N", description = "I/O operations a second it never exceeds, "
            + "even on an idle datastore (libvirt's iotune total_iops_sec); 0 for none.")
    Long diskIopsLimit;

    @Option(names = "--disk-iops-reservation", paramLabel = "N", description = "I/O operations a second it always gets "
            + "when it has I/O, however busy the datastore (mClock's reservation); 0 for none.")
    Long diskIopsReservation;

    /** Whether any resource option was given. */
    boolean any() {
        return cpuShares != null || cpuReservation != null || cpuLimit != null || memReservation != null
                || memLimit != null || diskShares != null || diskIopsLimit != null || diskIopsReservation != null;
    }

    /** {@code current} with the options given applied; CPU amounts in cores count at {@code ghz}. */
    VmResources applyTo(VmResources current, double ghz) {
        VmResources r = current;
        if (cpuShares != null) {
            r = r.withCpuShares(cpuShares);
        }
        if (cpuReservation != null) {
            r = r.withCpuReservationMhz(mhz("--cpu-reservation", cpuReservation, ghz));
        }
        if (cpuLimit != null) {
            r = r.withCpuLimitMhz(mhz("--cpu-limit", cpuLimit, ghz));
        }
        if (memReservation != null) {
            r = r.withMemReservation("0".equals(memReservation) ? 0 : Args.size("--mem-reservation", memReservation));
        }
        if (memLimit != null) {
            r = r.withMemLimit("0".equals(memLimit) ? 0 : Args.size("--mem-limit", memLimit));
        }
        if (diskShares != null) {
            r = r.withDiskShares(diskShares(diskShares));
        }
        if (diskIopsLimit != null) {
            r = r.withDiskIopsLimit(diskIopsLimit);
        }
        if (diskIopsReservation != null) {
            r = r.withDiskIopsReservation(diskIopsReservation);
        }
        return r;
    }

    /** Sets VM {@code name}'s resource controls from the options given, if any. */
    void apply(Lab lab, String name) {
        if (!any()) {
            return;
        }
        VmInfo i = lab.vm(name).info();
        lab.vm(name).setResources(applyTo(i.resources(), lab.host(i.host()).info().cpuGhz()));
    }

    /** Disk shares: vSphere's levels for a disk (low 500, normal 1000, high 2000) or a count (0: the default). */
    static int diskShares(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        switch (t) {
            case "low":
                return 500;
            case "normal":
                return 1000;
            case "high":
                return 2000;
            default:
                try {
                    return Integer.parseInt(t);
                } catch (NumberFormatException e) {
                    throw new ShellException("--disk-shares '" + text + "' is not a share count",
                            "low, normal, high or a number (0 for the default)");
                }
        }
    }

    /** A CPU rate in MHz: {@code 2100MHz}, {@code 2.1GHz}, {@code 1.5cores} (at {@code ghz}), or {@code 0}. */
    static long mhz(String option, String text, double ghz) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.equals("0")) {
                return 0;
            }
            if (t.endsWith("mhz")) {
                return Long.parseLong(t.substring(0, t.length() - 3).strip());
            }
            if (t.endsWith("ghz")) {
                return Math.round(Double.parseDouble(t.substring(0, t.length() - 3).strip()) * 1000);
            }
            String n = t.endsWith("cores") ? t.substring(0, t.length() - 5) : t.endsWith("core")
                    ? t.substring(0, t.length() - 4) : null;
            if (n != null) {
                double cores = Double.parseDouble(n.strip());
                if (cores >= 0 && Double.isFinite(cores)) {
                    return Math.round(cores * ghz * 1000);
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ShellException(option + " '" + text + "' is not a CPU rate", "2100MHz, 2.1GHz or 1.5cores (0 for none)");
    }

    /** The controls in words, or empty when none is set: {@code cpu shares 4000, cpu reservation 2100 MHz}. */
    static String describe(VmResources r) {
        List<String> w = new ArrayList<>();
        if (r.cpuShares() > 0) {
            w.add("cpu shares " + r.cpuShares());
        }
        if (r.cpuReservationMhz() > 0) {
            w.add("cpu reservation " + r.cpuReservationMhz() + " MHz");
        }
        if (r.cpuLimitMhz() > 0) {
            w.add("cpu limit " + r.cpuLimitMhz() + " MHz");
        }
        if (r.memReservation() > 0) {
            w.add("mem reservation " + Sizes.format(r.memReservation()));
        }
        if (r.memLimit() > 0) {
            w.add("mem limit " + Sizes.format(r.memLimit()));
        }
        if (r.diskShares() > 0) {
            w.add("disk shares " + r.diskShares());
        }
        if (r.diskIopsLimit() > 0) {
            w.add("disk iops limit " + r.diskIopsLimit());
        }
        if (r.diskIopsReservation() > 0) {
            w.add("disk iops reservation " + r.diskIopsReservation());
        }
        return String.join(", ", w);
    }
}
