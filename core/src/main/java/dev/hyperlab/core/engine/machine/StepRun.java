package dev.hyperlab.core.engine.machine;

import dev.hyperlab.api.lab.BoundBy;
import dev.hyperlab.core.sim.Activity;
import dev.hyperlab.core.sim.ActivityOwner;
import dev.hyperlab.core.sim.SharedResource;
import dev.hyperlab.core.sim.Simulation;

/**
 * A planned step being carried out: its fixed delay, network wait, CPU work and disk I/O proceed concurrently and
 * the step ends when all are done. The part that finished last is what bound the step.
 */
public final class StepRun implements ActivityOwner {
    static final int FIXED = 0;
    static final int NETWORK = 1;
    public static final int CPU = 2;
    public static final int DISK = 3;
    /** Waiting for balloons to give memory back. */
    static final int MEMORY_WAIT = 4;
    /** Swap I/O on the host's disk to find (or bring back) memory. */
    public static final int MEMORY_IO = 5;
    private static final BoundBy[] BOUND = {BoundBy.FIXED, BoundBy.NETWORK, BoundBy.CPU, BoundBy.DISK,
        BoundBy.MEMORY, BoundBy.MEMORY};
    private static final String[] NAMES = {"fixed", "network", "cpu", "disk", "memory-wait", "memory-io"};

    public final Machine machine;
    PlannedStep step;
    /** Its row in its machine's timeline. */
    int row;
    private int pending;
    private Activity cpu;
    private Activity disk;
    private Activity memoryIo;
    private BoundBy boundBy = BoundBy.FIXED;
    /**
     * Its CPU, disk and swap activities of an earlier step of the plan, done: the next step's on the same resource
     * reuses them (see {@link #reuse}).
     */
    private Activity doneCpu;
    private Activity doneDisk;
    private Activity doneMemoryIo;
    /**
     * When each timer part (fixed, network, memory-wait) is due, in lab time; what {@link #boundNow} compares. Made by
     * the first timer: most steps of a boot are pure CPU or disk work and need none.
     */
    private long[] due;

    StepRun(Machine machine, PlannedStep step, int row) {
        this.machine = machine;
        this.step = step;
        this.row = row;
    }

    /**
     * This run, finished (no part pending, no activity or live timer of its own: its timers' run number is the one a
     * next step of the same plan keeps, but each was done before the step ended), made ready for its machine's next
     * step {@code next} in timeline row {@code nextRow}. Its due times go (a saved lab has them only for timers under
     * way); its done activities stay for the next step's to reuse.
     */
    StepRun reuse(PlannedStep next, int nextRow) {
        step = next;
        row = nextRow;
        pending = 0;
        cpu = null;
        disk = null;
        memoryIo = null;
        boundBy = BoundBy.FIXED;
        due = null;
        return this;
    }

    /** A step as a saved lab left it: {@code pending} parts, bound so far by {@code boundBy} (its activities follow). */
    StepRun(Machine machine, PlannedStep step, int row, int pending, BoundBy boundBy) {
        this(machine, step, row);
        this.pending = pending;
        this.boundBy = boundBy;
    }

    /** Its activity on part {@code part} ({@link #CPU}, {@link #DISK}, {@link #MEMORY_IO}), or null. */
    Activity activity(int part) {
        return switch (part) {
            case CPU -> cpu;
            case DISK -> disk;
            case MEMORY_IO -> memoryIo;
            default -> null;
        };
    }

    /** Puts back activity {@code a} on part {@code part} as a saved lab's resources held it (LabCodec). */
    public void restoreActivity(int part, Activity a) {
        switch (part) {
            case CPU -> cpu = a;
            case DISK -> disk = a;
            case MEMORY_IO -> memoryIo = a;
            default -> throw new IllegalArgumentException("part " + part + " has no activity");
        }
    }

    /** Which part bound it so far (the last to finish). */
    BoundBy boundBy() {
        return boundBy;
    }

    /** The parts not done yet, one bit each. */
    int pending() {
        return pending;
    }

    static String partName(int part) {
        return part >= 0 && part < NAMES.length ? NAMES[part] : "part" + part;
    }

    /**
     * Starts every non-empty part now; completes at once when the step needs nothing. A host's step and a VM's take
     * separate paths, each calling its machine's own (final) class: a storm boots its hosts first, then its VMs, and
     * one shared path had C2 compile it for hosts alone, then throw that away at each machine call a VM reached
     * (class checks: {@code StepRun.start} compiled five times in a storm).
     */
    void start() {
        if (machine instanceof VmMachine vm) {
            startVm(vm);
        } else {
            startHost((HostMachine) machine);
        }
    }

    /** A host's step: no memory to find, its CPU and disk work at its cores' and disk's full rate, weighed by cores. */
    private void startHost(HostMachine h) {
        Simulation sim = h.env.sim();
        double cpuWork = h.cpuWork(step);
        double diskWork = h.diskWork(step);
        startTimers(sim);
        startWork(sim, CPU, h.cpuResource(), cpuWork, h.cpuCap(step), h.cpuWeight(), 0);
        startWork(sim, DISK, h.diskResource(), diskWork, 1.0, h.cpuWeight(), 0);
        if (pending == 0) {
            h.stepDone(this);
        }
    }

    /** A VM's step: the memory it touches first, then its work under its shares, limits and reservations. */
    private void startVm(VmMachine vm) {
        Simulation sim = vm.env.sim();
        MemoryManager.Grant memory = vm.memoryFor(step);
        if (memory.failed()) {
            vm.outOfMemory(this, memory.failure());
            return;
        }
        if (memory.balloonNanos() > 0) {
            pending |= 1 << MEMORY_WAIT;
            timer(sim, MEMORY_WAIT, memory.balloonNanos());
        }
        startWork(sim, MEMORY_IO, vm.diskResource(), vm.swapWork(memory), 1.0, vm.cpuWeight(), 0);
        double cpuWork = vm.cpuWork(step);
        double diskWork = vm.diskWork(step);
        startTimers(sim);
        startWork(sim, CPU, vm.cpuResource(), cpuWork, vm.cpuCap(step), vm.cpuShareWeight(), vm.cpuFloor());
        // its disk shares, IOPS limit and reservation (docs/calibration.md vm.resources.disk_*); unset, as before
        double ops = step.demand().readOps() + step.demand().writeOps();
        double diskCap = vm.diskCap(1.0, diskWork, ops);
        startWork(sim, DISK, vm.diskResource(), diskWork, diskCap, vm.diskShareWeight(),
                vm.diskFloor(diskCap, diskWork, ops));
        if (pending == 0) {
            vm.stepDone(this);
        }
    }

    /**
     * Starts part {@code part}'s activity when it has {@code work}. Hosts and VMs test their work here, in one place:
     * the VMs of a storm reach their CPU and disk steps in lock-step after C2 compiled {@link #startVm} on the first
     * (timer-only) step, and a test of their own was a branch never taken yet (an {@code unstable_if}: recompiled),
     * where this one the hosts took both ways before.
     */
    private void startWork(Simulation sim, int part, SharedResource resource, double work, double cap, double weight,
            double floor) {
        if (!(work > 0)) {
            return;
        }
        Activity done = part == CPU ? doneCpu : part == DISK ? doneDisk : doneMemoryIo;
        Activity a = done != null && done.resource() == resource && !done.active()
                ? done.reuse(work, cap, weight, floor) : new Activity(resource, this, part, work, cap, weight, floor);
        switch (part) {
            case CPU -> cpu = a;
            case DISK -> disk = a;
            default -> memoryIo = a;
        }
        pending |= 1 << part;
        sim.start(a);
    }

    /** Starts the step's fixed delay and network wait, those it has. */
    private void startTimers(Simulation sim) {
        long fixed = step.demand().fixed().toNanos();
        long network = step.demand().network().toNanos();
        if (fixed > 0) {
            pending |= 1 << FIXED;
            timer(sim, FIXED, fixed);
        }
        if (network > 0) {
            pending |= 1 << NETWORK;
            timer(sim, NETWORK, network);
        }
    }

    /**
     * Goes on with a thawed step (see {@link Execution}): each unfinished part restarts with what it had left. The
     * step's memory was granted before it was frozen, so it is not asked for again.
     */
    void resume(BoundBy boundSoFar, java.util.List<Execution.Part> parts) {
        boundBy = boundSoFar;
        Simulation sim = machine.env.sim();
        for (Execution.Part p : parts) {
            pending |= 1 << p.part();
        }
        for (Execution.Part p : parts) {
            int part = p.part();
            boolean activity = part == CPU || part == DISK || part == MEMORY_IO;
            if (activity && p.work() > 0) {
                Activity a = new Activity(part == CPU ? machine.cpuResource() : machine.diskResource(), this, part,
                        p.work(), p.cap(), p.weight(), part == CPU ? machine.cpuFloor() : 0);
                switch (part) {
                    case CPU -> cpu = a;
                    case DISK -> disk = a;
                    default -> memoryIo = a;
                }
                sim.start(a);
            } else {
                // a timer's time left, or an activity frozen at the instant it finished: done after that long
                timer(sim, part, activity ? 0 : p.nanos());
            }
        }
        if (pending == 0) {
            machine.stepDone(this);
        }
    }

    private void timer(Simulation sim, int part, long nanos) {
        restoreDue(part, sim.now() + nanos);
        sim.after(nanos, Simulation.PRIORITY_TIMER, new PartTimer(machine.name, machine.run(), part, machine));
    }

    /** Puts back when a timer part is due, read from its timer event in a saved lab. */
    public void restoreDue(int part, long at) {
        if (due == null) {
            due = new long[Math.max(part + 1, NETWORK + 1)]; // room for the fixed and network parts a boot step has
        } else if (part >= due.length) {
            due = java.util.Arrays.copyOf(due, part + 1);
        }
        due[part] = at;
    }

    /**
     * What bounds the step now: of the parts still pending, the one due last at the rates they get now (an activity
     * getting no share is due never). The step's {@link #boundBy} when it ends is the part that finished last, which is
     * this one unless the shares change on the way.
     */
    public BoundBy boundNow() {
        long now = machine.env.sim().now();
        int last = -1;
        double lastDue = Double.NEGATIVE_INFINITY;
        for (int part = FIXED; part <= MEMORY_IO; part++) {
            if ((pending & (1 << part)) == 0) {
                continue;
            }
            Activity a = part == CPU ? cpu : part == DISK ? disk : part == MEMORY_IO ? memoryIo : null;
            double at = a == null ? (due == null || part >= due.length ? 0 : due[part])
                    : a.rate() > 0 ? now + Execution.remainingNow(a, now) / a.rate() * 1e9 : Double.POSITIVE_INFINITY;
            if (at >= lastDue) {
                lastDue = at;
                last = part;
            }
        }
        return last < 0 ? boundBy : BOUND[last];
    }

    /** A part is done (timer or activity). */
    public void partDone(int part) {
        if ((pending & (1 << part)) == 0) {
            return;
        }
        pending &= ~(1 << part);
        boundBy = BOUND[part];
        if (part == CPU) {
            doneCpu = cpu;
            cpu = null;
        } else if (part == DISK) {
            doneDisk = disk;
            disk = null;
        } else if (part == MEMORY_IO) {
            doneMemoryIo = memoryIo;
            memoryIo = null;
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
        Simulation sim = machine.env.sim();
        if (cpu != null) {
            sim.cancel(cpu);
        }
        if (disk != null) {
            sim.cancel(disk);
        }
        if (memoryIo != null) {
            sim.cancel(memoryIo);
        }
        pending = 0;
    }
}
