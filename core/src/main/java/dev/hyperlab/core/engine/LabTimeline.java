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
            List<long[]> rows = m instanceof HostMachine h ? h.memory.samples : ((VmMachine) m).account.samples;
            for (long[] r : rows) {
                out.add(new dev.hyperlab.api.lab.MemorySample(n, Duration.ofNanos(r[0]), r[1], r[2], r[3], r[4]));
            }
        }
        out.sort(Comparator.comparing(dev.hyperlab.api.lab.MemorySample::time)
                .thenComparing(dev.hyperlab.api.lab.MemorySample::machine));
        return out;
    }

    private List<String> byNameSorted() {
        List<String> all = new ArrayList<>(lab.hosts.keySet());
        all.addAll(lab.vms.keySet());
        return all;
    }
}
