package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.BoundBy;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.TimelinePhase;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.Machine;
import dev.hyperlab.core.engine.machine.PhaseRecord;
import dev.hyperlab.core.engine.machine.VmMachine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** What the machines did, in lab time: the phases of their boots and other work, and their memory samples. */
final class LabTimeline {
    private final LabModel lab;

    LabTimeline(LabModel lab) {
        this.lab = lab;
    }

    public List<TimelinePhase> timeline(Collection<String> names) {
        List<Machine> machines = new ArrayList<>();
        if (names.isEmpty()) {
            machines.addAll(lab.hosts.values());
            machines.addAll(lab.vms.values());
        } else {
            for (String n : names) {
                Machine m = lab.machine(n);
                if (m == null) {
                    throw LabException.notFound("no host or VM named '" + n + "'", "host list and vm list show them");
                }
                machines.add(m);
            }
        }
        List<TimelinePhase> out = new ArrayList<>();
        for (Machine m : machines) {
            for (PhaseRecord r : m.timeline) {
                // a phase still under way shows the bound it is under now, not its last part's
                BoundBy bound = m.boundNow(r);
                out.add(new TimelinePhase(m.name, r.phase, r.step, Duration.ofNanos(r.start),
                        r.end() < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(r.end())), bound));
            }
        }
        out.sort(Comparator.comparing(TimelinePhase::start).thenComparing(TimelinePhase::machine));
        return out;
    }

    /** Memory samples of the named machines (all when empty), ordered by time, then machine. */
    public List<dev.hyperlab.api.lab.MemorySample> memoryHistory(Collection<String> names) {
        List<dev.hyperlab.api.lab.MemorySample> out = new ArrayList<>();
        Collection<String> which = names.isEmpty() ? byNameSorted() : names;
        for (String n : which) {
            Machine m = lab.machine(n);
            if (m == null) {
                throw LabException.notFound("no host or VM named '" + n + "'", "host list and vm list show them");
            }
            List<long[]> rows = m instanceof HostMachine h ? h.memory.samples() : ((VmMachine) m).account.samples();
            for (long[] r : rows) {
                out.add(new dev.hyperlab.api.lab.MemorySample(n, Duration.ofNanos(r[0]), r[1], r[2], r[3], r[4]));
            }
        }
        out.sort(Comparator.comparing(dev.hyperlab.api.lab.MemorySample::time)
                .thenComparing(dev.hyperlab.api.lab.MemorySample::machine));
        return out;
    }

    /**
     * Workload figures over time ({@link dev.hyperlab.api.lab.StatSample}) of the named machines (all when empty): a
     * VM's from its samples, a host's summed over its VMs' samples taken at the same tick.
     */
    public List<dev.hyperlab.api.lab.StatSample> statHistory(Collection<String> names) {
        List<dev.hyperlab.api.lab.StatSample> out = new ArrayList<>();
        Collection<String> which = names.isEmpty() ? byNameSorted() : names;
        for (String n : which) {
            Machine m = lab.machine(n);
            if (m == null) {
                throw LabException.notFound("no host or VM named '" + n + "'", "host list and vm list show them");
            }
            if (m instanceof VmMachine v) {
                out.addAll(vmStats(n, v.work.samples()));
            } else {
                out.addAll(hostStats((HostMachine) m));
            }
        }
        out.sort(Comparator.comparing(dev.hyperlab.api.lab.StatSample::time)
                .thenComparing(dev.hyperlab.api.lab.StatSample::machine));
        return out;
    }

    /** A VM's samples as records: CPU ready over each interval from the change in its totals. */
    private static List<dev.hyperlab.api.lab.StatSample> vmStats(String name, List<long[]> rows) {
        List<dev.hyperlab.api.lab.StatSample> out = new ArrayList<>();
        long[] prev = null;
        for (long[] r : rows) {
            out.add(new dev.hyperlab.api.lab.StatSample(name, Duration.ofNanos(r[0]), ready(prev, r), r[3] / 1e9,
                    r[4], r[5], r[6], r[7]));
            prev = r;
        }
        return out;
    }

    /** Share of the CPU wanted between two samples that was not given; 0 across a restart (its totals went down). */
    private static double ready(long[] prev, long[] r) {
        if (prev == null || r[1] < prev[1] || r[2] < prev[2]) {
            return 0;
        }
        long wanted = r[1] - prev[1];
        return wanted <= 0 ? 0 : Math.max(0, Math.min(1, 1 - (double) (r[2] - prev[2]) / wanted));
    }

    /** A host's samples: its VMs' rows taken at the same lab time, summed (CPU ready weighted by what each asked). */
    private List<dev.hyperlab.api.lab.StatSample> hostStats(HostMachine h) {
        java.util.TreeMap<Long, double[]> byTime = new java.util.TreeMap<>(); // wanted, waited, latency sum, n, written, used, rx, tx
        for (String vm : h.vms) {
            long[] prev = null;
            for (long[] r : lab.vmMachine(vm).work.samples()) {
                double[] t = byTime.computeIfAbsent(r[0], k -> new double[8]);
                if (prev != null && r[1] >= prev[1] && r[2] >= prev[2]) {
                    t[0] += r[1] - prev[1];
                    t[1] += Math.max(0, (r[1] - prev[1]) - (r[2] - prev[2]));
                }
                t[2] += r[3] / 1e9;
                t[3] += 1;
                t[4] += r[4];
                t[5] += r[5];
                t[6] += r[6];
                t[7] += r[7];
                prev = r;
            }
        }
        List<dev.hyperlab.api.lab.StatSample> out = new ArrayList<>();
        for (java.util.Map.Entry<Long, double[]> e : byTime.entrySet()) {
            double[] t = e.getValue();
            out.add(new dev.hyperlab.api.lab.StatSample(h.name, Duration.ofNanos(e.getKey()),
                    t[0] > 0 ? Math.min(1, t[1] / t[0]) : 0, t[2] / t[3], Math.round(t[4]), Math.round(t[5]),
                    Math.round(t[6]), Math.round(t[7])));
        }
        return out;
    }

    private List<String> byNameSorted() {
        List<String> all = new ArrayList<>(lab.hosts.keySet());
        all.addAll(lab.vms.keySet());
        return all;
    }
}
