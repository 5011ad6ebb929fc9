package dev.hyperlab.core.engine.machine;

import java.util.Map;
import java.io.IOException;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.hyperlab.core.sim.SharedResource;
import java.util.List;
import dev.hyperlab.core.engine.persist.SavedDoc;

/**
 * What hosts and VMs have in common: a name, a timeline, and a plan (a list of steps) carried out one step at a time.
 * Each plan or stop bumps the run number, which makes the timers of an abandoned run stale.
 */
public abstract sealed class Machine permits HostMachine, VmMachine {
    private static final String[] BOUND_WORDS = java.util.Arrays.stream(dev.hyperlab.api.lab.BoundBy.values())
            .map(b -> "bound=" + b.id()).toArray(String[]::new);

    public final String name;
    /** The lab as this machine sees it. */
    final MachineEnv env;
    public final Timeline timeline = new Timeline();
    /** Bumped by each plan or stop: timers of an earlier run are stale. */
    private long run;
    /** The plan under way, or null when the machine is idle. */
    private PlanKind planKind;
    List<PlannedStep> plan = List.of();
    int stepIndex = -1;
    private StepRun current;
    /** The keys its user enrolled for Secure Boot. */
    public final EnrolledKeys enrolledKeys = new EnrolledKeys();
    /** Whether the lab finds it by its name now (a removed or replaced machine is not): see {@link PartTimer#target}. */
    private boolean inLab;

    Machine(String name, MachineEnv env) {
        this.name = name;
        this.env = env;
    }

    public String name() {
        return name;
    }

    /** Whether the lab's machine of its name is this one (the lab keeps it up to date). */
    public boolean inLab() {
        return inLab;
    }

    /** The lab took it into its tables under its name. */
    public void enteredLab() {
        inLab = true;
    }

    /** The lab took it out of its tables, or put another machine under its name. */
    public void leftLab() {
        inLab = false;
    }

    /** The run number: each plan or stop bumps it, so a timer or a wait can tell that the run it knew is over. */
    public long run() {
        return run;
    }

    /** The plan under way, or null when the machine is idle. */
    public PlanKind planKind() {
        return planKind;
    }

    /** The step under way, or null. */
    public StepRun currentStep() {
        return current;
    }

    /** A timer of run {@code timerRun} is due: part {@code part} of the step under way is done (a stale one: nothing). */
    public void timerDue(long timerRun, int part) {
        if (timerRun == run && current != null) {
            current.partDone(part);
        }
    }

    /** The bound of timeline row {@code r} now: what bounds the step under way for its open row, else its own. */
    public dev.hyperlab.api.lab.BoundBy boundNow(PhaseRecord r) {
        return r.end() < 0 && current != null && r.rowIn(timeline) == current.row ? current.boundNow() : r.boundBy();
    }

    /**
     * Opens a timeline row for work the lab does to this machine outside a plan (a restore writing its disks); close it
     * with {@link #endPhase}.
     */
    public PhaseRecord beginPhase(String phase, String step) {
        PhaseRecord r = new PhaseRecord(phase, step, env.sim().now());
        timeline.add(r);
        return r;
    }

    /** Closes row {@code r} of {@link #beginPhase} now, bound by {@code boundBy}. */
    public void endPhase(PhaseRecord r, dev.hyperlab.api.lab.BoundBy boundBy) {
        r.end(env.sim().now(), boundBy);
    }

    abstract SharedResource cpuResource();

    abstract SharedResource diskResource();

    /** CPU work of a step in gigacycles after this machine's factors. */
    abstract double cpuWork(PlannedStep step);

    /** Disk work of a step in device-seconds after this machine's factors. */
    abstract double diskWork(PlannedStep step);

    /** Highest CPU rate (gigacycles per second) the step can use. */
    abstract double cpuCap(PlannedStep step);

    /** Share weight on contended resources. */
    abstract double cpuWeight();

    /** Share weight of its CPU work on contended cores: {@link #cpuWeight} unless its CPU shares are set. */
    double cpuShareWeight() {
        return cpuWeight();
    }

    /** CPU rate (gigacycles per second) reserved for its CPU work, 0 for none. */
    double cpuFloor() {
        return 0;
    }

    /** Share weight of its I/O on a contended datastore: {@link #cpuWeight} unless its disk shares are set. */
    double diskShareWeight() {
        return cpuWeight();
    }

    /**
     * The highest device-time rate (device-seconds per second) its I/O may use, from {@code cap} and its IOPS limit:
     * {@code deviceSeconds} of device time doing {@code ops} operations.
     */
    double diskCap(double cap, double deviceSeconds, double ops) {
        return cap;
    }

    /** The device-time rate its IOPS reservation guarantees I/O of that mix (at most {@code cap}), 0 for none. */
    double diskFloor(double cap, double deviceSeconds, double ops) {
        return 0;
    }

    /** The plan finished its last step. */
    abstract void planDone(PlanKind kind);

    /** The plan stopped at a failure step. */
    abstract void planFailed(PlanKind kind, PlannedStep failure);

    /** Memory a step needs the host to find before it can finish (none for hosts). */
    MemoryManager.Grant memoryFor(PlannedStep step) {
        return MemoryManager.Grant.NONE;
    }

    /** Device-seconds of the swap I/O a memory grant costs on this machine's disk. */
    double swapWork(MemoryManager.Grant g) {
        return 0;
    }

    /** The step could not get its memory: the machine stops with {@code reason}. */
    void outOfMemory(StepRun run, String reason) {
        throw new IllegalStateException(name + " cannot run out of memory");
    }

    /** Starts a plan; the machine keeps {@code steps} and never changes it (a remembered plan may be shared). */
    void startPlan(PlanKind kind, List<PlannedStep> steps) {
        stopPlan();
        run++;
        planKind = kind;
        plan = steps;
        stepIndex = -1;
        nextStep();
    }

    private void nextStep() {
        nextStep(null);
    }

    /**
     * Starts the plan's next step in {@code spare} when given (the step just done: nothing holds it any more, its
     * parts all done), else in a new run. A storm's 100,000 boots of ten steps made a million of them (53 MB, the
     * storm's most allocated class), each garbage one step later.
     */
    private void nextStep(StepRun spare) {
        stepIndex++;
        if (stepIndex >= plan.size()) {
            PlanKind kind = planKind;
            clearPlan();
            planDone(kind);
            return;
        }
        PlannedStep step = plan.get(stepIndex);
        if (step.isFailure()) {
            PlanKind kind = planKind;
            env.log(name, "fail", step.phase() + ":", step.failure());
            clearPlan();
            planFailed(kind, step);
            return;
        }
        int row = timeline.append(step.phase(), step.step(), env.sim().now(), -1, dev.hyperlab.api.lab.BoundBy.FIXED);
        current = spare != null ? spare.reuse(step, row) : new StepRun(this, step, row);
        current.start();
    }

    void stepDone(StepRun r) {
        if (r != current) {
            return;
        }
        timeline.end(r.row, env.sim().now(), r.boundBy());
        if (env.logging()) {
            if (r.step.step().isEmpty()) {
                env.log(name, "done", r.step.phase(), BOUND_WORDS[r.boundBy().ordinal()]);
            } else {
                env.log(name, "done", r.step.phase(), r.step.step(), BOUND_WORDS[r.boundBy().ordinal()]);
            }
        }
        current = null;
        if (this instanceof VmMachine vm) {
            vm.stepFinished(r); // a VM's own class, called as such: hosts and VMs share this path (see StepRun#start)
        }
        nextStep(r);
    }

    /** Ends the current plan at its running step with {@code reason}, that step bound by {@code boundBy}. */
    void failCurrent(String reason, dev.hyperlab.api.lab.BoundBy boundBy) {
        StepRun r = current;
        PlanKind kind = planKind;
        if (r != null) {
            r.cancel();
            timeline.end(r.row, env.sim().now(), boundBy);
            current = null;
        }
        env.log(name, "fail", (r == null ? "" : r.step.phase()) + ":", reason);
        clearPlan();
        run++;
        planFailed(kind, PlannedStep.fail(r == null ? "" : r.step.phase(), reason));
    }

    /** Abandons the current plan: running activities are withdrawn and the open timeline row is closed. */
    public void stopPlan() {
        if (current != null) {
            current.cancel();
            timeline.end(current.row, env.sim().now());
            current = null;
        }
        clearPlan();
        run++;
    }

    /**
     * Takes the plan off the host for a pause ({@link Execution#freeze} captured it first): its activities are
     * withdrawn, its timers go stale, and its open timeline row ends now, bound by what bound it so far.
     */
    void withdrawPlan() {
        StepRun r = current;
        if (r != null) {
            r.cancel();
            timeline.end(r.row, env.sim().now(), r.boundBy());
            current = null;
        }
        clearPlan();
        run++;
    }

    /** Puts a frozen plan back: the same step goes on, in a new timeline row, with what its parts had left. */
    void resumePlan(Execution e) {
        run++;
        planKind = e.kind();
        plan = e.plan();
        stepIndex = e.stepIndex();
        PlannedStep step = plan.get(stepIndex);
        int row = timeline.append(step.phase(), step.step(), env.sim().now(), -1, dev.hyperlab.api.lab.BoundBy.FIXED);
        StepRun r = new StepRun(this, step, row);
        current = r;
        r.resume(e.boundBy(), e.parts());
    }

    private void clearPlan() {
        plan = List.of();
        stepIndex = -1;
        planKind = null;
    }

    public boolean busy() {
        return planKind != null;
    }

    // ---- saved with the lab (LabCodec) ----

    /** Writes what every machine has (its plan, where it is in it, its timeline) into the machine's object. */
    void saveRun(JsonGenerator g) throws IOException {
        g.writeNumberField("run", run);
        g.writeStringField("planKind", planKind == null ? "" : planKind.name());
        g.writeNumberField("stepIndex", stepIndex);
        PlannedStep.saveAll(g, "plan", plan);
        if (current != null) {
            g.writeObjectFieldStart("current");
            g.writeNumberField("pending", current.pending());
            g.writeStringField("boundBy", current.boundBy().id());
            g.writeNumberField("record", current.row);
            g.writeEndObject();
        }
        g.writeArrayFieldStart("timeline");
        for (PhaseRecord r : timeline) {
            g.writeStartArray();
            g.writeString(r.phase);
            g.writeString(r.step);
            g.writeNumber(r.start);
            g.writeNumber(r.end());
            g.writeString(r.boundBy().id());
            g.writeEndArray();
        }
        g.writeEndArray();
    }

    /** Reads back what {@link #saveRun} wrote (the step's activities are the resources', restored with them). */
    @SuppressWarnings("unchecked")
    void restoreRun(Map<String, Object> o) throws IOException {
        run = SavedDoc.num(o, "run");
        String kind = SavedDoc.str(o, "planKind");
        planKind = kind.isEmpty() ? null : PlanKind.valueOf(kind);
        stepIndex = (int) SavedDoc.num(o, "stepIndex");
        plan = List.copyOf(PlannedStep.restoreAll(o, "plan"));
        for (Object ro : SavedDoc.list(o, "timeline")) {
            List<Object> r = (List<Object>) ro;
            timeline.add(new PhaseRecord((String) r.get(0), (String) r.get(1), (Long) r.get(2), (Long) r.get(3),
                    dev.hyperlab.api.lab.BoundBy.of((String) r.get(4))));
        }
        Map<String, Object> cur = (Map<String, Object>) o.get("current");
        if (cur != null) {
            long row = SavedDoc.num(cur, "record");
            if (row < 0 || row >= timeline.size()) {
                throw new IOException("the step under way names timeline row " + row + " of " + timeline.size());
            }
            current = new StepRun(this, plan.get(stepIndex), (int) row, (int) SavedDoc.num(cur, "pending"),
                    dev.hyperlab.api.lab.BoundBy.of(SavedDoc.str(cur, "boundBy")));
        }
    }
}
