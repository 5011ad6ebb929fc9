package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.BoundBy;
import dev.hyperlab.core.sim.Activity;
import dev.hyperlab.core.sim.ActivityOwner;
import dev.hyperlab.core.sim.Simulation;

/**
 * A planned step being carried out: its fixed delay, network wait, CPU work and disk I/O proceed concurrently and
 * the step ends when all are done. The part that finished last is what bound the step.
 */
final class StepRun implements ActivityOwner {
    static final int FIXED = 0;
    static final int NETWORK = 1;
    static final int CPU = 2;
    static final int DISK = 3;
    private static final BoundBy[] BOUND = {BoundBy.FIXED, BoundBy.NETWORK, BoundBy.CPU, BoundBy.DISK};
    private static final String[] NAMES = {"fixed", "network", "cpu", "disk"};

    final Machine machine;
    final PlannedStep step;
    final PhaseRecord record;
    int pending;
    Activity cpu;
    Activity disk;
    BoundBy boundBy = BoundBy.FIXED;

    StepRun(Machine machine, PlannedStep step, PhaseRecord record) {
        this.machine = machine;
        this.step = step;
        this.record = record;
    }

    static String partName(int part) {
        return part >= 0 && part < NAMES.length ? NAMES[part] : "part" + part;
    }

    /** Starts every non-empty part now; completes at once when the step needs nothing. */
    void start() {
        Simulation sim = machine.lab.sim();
        long fixed = step.demand().fixed().toNanos();
        long network = step.demand().network().toNanos();
        double cpuWork = machine.cpuWork(step);
        double diskWork = machine.diskWork(step);
        if (fixed > 0) {
            pending |= 1 << FIXED;
            sim.after(fixed, Simulation.PRIORITY_TIMER, new PartTimer(machine.name, machine.run, FIXED));
        }
        if (network > 0) {
            pending |= 1 << NETWORK;
            sim.after(network, Simulation.PRIORITY_TIMER, new PartTimer(machine.name, machine.run, NETWORK));
        }
        if (cpuWork > 0) {
            pending |= 1 << CPU;
            cpu = new Activity(machine.cpuResource(), this, CPU, cpuWork, machine.cpuCap(step), machine.cpuWeight());
            sim.start(cpu);
        }
        if (diskWork > 0) {
            pending |= 1 << DISK;
            disk = new Activity(machine.diskResource(), this, DISK, diskWork, 1.0, machine.cpuWeight());
            sim.start(disk);
        }
        if (pending == 0) {
            machine.stepDone(this);
        }
    }

    /** A part is done (timer or activity). */
    void partDone(int part) {
        if ((pending & (1 << part)) == 0) {
            return;
        }
        pending &= ~(1 << part);
        boundBy = BOUND[part];
        if (part == CPU) {
            cpu = null;
        } else if (part == DISK) {
            disk = null;
        }
        if (pending == 0) {
            machine.stepDone(this);
        }
    }

    @Override
    public void activityDone(Activity activity, long now) {
        partDone(activity.tag());
    }

    /** Withdraws the running activities (the machine stopped); timers go stale with the run number. */
    void cancel() {
        Simulation sim = machine.lab.sim();
        if (cpu != null) {
            sim.cancel(cpu);
        }
        if (disk != null) {
            sim.cancel(disk);
        }
        pending = 0;
    }
}
