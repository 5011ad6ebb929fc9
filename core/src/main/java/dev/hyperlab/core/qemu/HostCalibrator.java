package dev.hyperlab.core.qemu;

import dev.hyperlab.api.lab.BoundBy;
import dev.hyperlab.api.lab.HostCalibration;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.TimelinePhase;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.calibration.HostProfile;
import dev.hyperlab.core.calibration.OsProfiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code host calibrate}: boots the test guest on this machine alone, then 2, 3 ... at once, and times each boot's
 * phases from the real events the QEMU backend already records ({@link BootTimeline}). The guests are ordinary VMs of
 * the lab under reserved names, made for the calibration and deleted after it, whatever happens; one guest per slot,
 * each with its own disk, started together with {@code startVms} and stopped (QMP {@code quit}) once all are ready.
 *
 * <p>Every figure is a wall time on a machine that may be doing other things: a calibration is worth what the machine's
 * quiet was (docs/qemu.md says to run it on an otherwise idle machine, and prints the load average beside it).
 */
final class HostCalibrator {
    static final String PREFIX = "calibrate-";
    static final int MAX_AT_ONCE = 16;
    /** A TCG boot of the test guest takes seconds; many at once on few cores take their multiple, with room. */
    private static final Duration BOOT_TIMEOUT_EACH = Duration.ofMinutes(2);
    private static final long GUEST_MEMORY = 256L << 20;

    private final QemuLab lab;

    HostCalibrator(QemuLab lab) {
        this.lab = lab;
    }

    HostCalibration run(int maxAtOnce, String profileFile) {
        if (maxAtOnce < 1 || maxAtOnce > MAX_AT_ONCE) {
            throw LabException.invalid("host calibrate boots 1 to " + MAX_AT_ONCE + " guests at once, not " + maxAtOnce,
                    "e.g. {calibrate.maxAtOnce} 4");
        }
        Path out = Path.of(profileFile).toAbsolutePath().normalize();
        if (out.getParent() == null || !Files.isDirectory(out.getParent()) || Files.isDirectory(out)) {
            throw LabException.invalid("cannot write the host profile to " + profileFile,
                    "give a file in an existing directory");
        }
        for (Vm v : lab.vms()) {
            if (v.name().startsWith(PREFIX)) {
                throw LabException.conflict("VM " + v.name() + " exists: host calibrate names its guests " + PREFIX + "N",
                        "delete or rename it first");
            }
        }
        List<String> guests = new ArrayList<>();
        try {
            for (int i = 1; i <= maxAtOnce; i++) {
                String name = PREFIX + i;
                lab.createVm(VmSpec.of(name, QemuHost.NAME, 1, GUEST_MEMORY).withOs(OsProfiles.TINY_LINUX));
                guests.add(name);
            }
            List<HostCalibration.Row> rows = new ArrayList<>();
            List<HostProfile.Phase> solo = List.of();
            for (int n = 1; n <= maxAtOnce; n++) {
                List<String> round = guests.subList(0, n);
                List<List<TimelinePhase>> boots = bootTogether(round);
                HostCalibration.Row row = row(n, boots, rows.isEmpty() ? 0 : rows.getFirst().meanBootSeconds());
                rows.add(row);
                if (n == 1) {
                    solo = soloPhases(boots.getFirst());
                }
            }
            QemuBinary q = lab.qemu();
            HostProfile profile = new HostProfile(QemuHost.cores(), QemuHost.memoryBytes(), QemuHost.cpuGhz(),
                    "qemu " + q.version() + " (" + q.accelerator() + ")", OsProfiles.TINY_LINUX, "bios", solo, rows);
            profile.write(out);
            return new HostCalibration(QemuHost.NAME, profile.hypervisor(), profile.guest(), profile.firmware(),
                    profile.cores(), profile.memoryBytes(), rows, out.toString());
        } finally {
            for (String g : guests) {
                VmState s = lab.vm(g).state();
                if (s != VmState.DEFINED && s != VmState.SHUTOFF && s != VmState.CRASHED) {
                    lab.vm(g).destroy();
                }
                lab.vm(g).delete();
            }
        }
    }

    /** Starts {@code names} at once, waits until every one is ready, stops them; each one's phases of this boot. */
    private List<List<TimelinePhase>> bootTogether(List<String> names) {
        Duration from = lab.now();
        lab.startVms(names);
        Duration timeout = BOOT_TIMEOUT_EACH.multipliedBy(names.size());
        for (String n : names) {
            lab.vm(n).waitFor(VmState.RUNNING, timeout);
        }
        List<List<TimelinePhase>> boots = new ArrayList<>();
        for (String n : names) {
            List<TimelinePhase> phases = new ArrayList<>();
            for (TimelinePhase p : lab.timeline(List.of(n))) {
                if (p.start().compareTo(from) >= 0 && p.end().isPresent() && !p.phase().equals("shutdown")) {
                    phases.add(p);
                }
            }
            if (phases.isEmpty()) {
                throw new LabException(LabException.Kind.IO, "VM " + n + " reached ready but its console showed no boot phase",
                        "vm console " + n + " shows what it printed");
            }
            boots.add(phases);
        }
        for (String n : names) {
            lab.vm(n).destroy();
        }
        return boots;
    }

    private static HostCalibration.Row row(int n, List<List<TimelinePhase>> boots, double soloMean) {
        double total = 0;
        Map<String, Double> phaseSums = new LinkedHashMap<>();
        for (List<TimelinePhase> boot : boots) {
            total += seconds(boot.getLast().end().orElseThrow().minus(boot.getFirst().start()));
            for (TimelinePhase p : boot) {
                phaseSums.merge(name(p), seconds(p.end().orElseThrow().minus(p.start())), Double::sum);
            }
        }
        double mean = total / boots.size();
        Map<String, Double> phaseMeans = new LinkedHashMap<>();
        phaseSums.forEach((k, v) -> phaseMeans.put(k, v / boots.size()));
        return new HostCalibration.Row(n, mean, soloMean == 0 ? 1.0 : mean / soloMean, phaseMeans);
    }

    private static List<HostProfile.Phase> soloPhases(List<TimelinePhase> boot) {
        Map<String, Double> lengths = new LinkedHashMap<>();
        Map<String, Boolean> fixed = new LinkedHashMap<>();
        for (TimelinePhase p : boot) {
            lengths.merge(name(p), seconds(p.end().orElseThrow().minus(p.start())), Double::sum);
            fixed.put(name(p), p.boundBy() == BoundBy.FIXED);
        }
        List<HostProfile.Phase> out = new ArrayList<>();
        lengths.forEach((k, v) -> out.add(new HostProfile.Phase(k, v, fixed.get(k))));
        return out;
    }

    private static String name(TimelinePhase p) {
        return p.step().isEmpty() ? p.phase() : p.phase() + "/" + p.step();
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
