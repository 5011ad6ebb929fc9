package dev.hyperlab.core.engine;

import dev.hyperlab.core.sim.SharedResource;
import java.util.ArrayList;
import java.util.List;

/**
 * What hosts and VMs have in common: a name, a timeline, and a plan (a list of steps) carried out one step at a time.
 * Each plan or stop bumps the run number, which makes the timers of an abandoned run stale.
 */
abstract sealed class Machine permits HostMachine, VmMachine {
    private static final String[] BOUND_WORDS = java.util.Arrays.stream(dev.hyperlab.api.lab.BoundBy.values())
            .map(b -> "bound=" + b.id()).toArray(String[]::new);

    final String name;
    final LabModel lab;
    final List<PhaseRecord> timeline = new ArrayList<>();
    long run;
    PlanKind planKind;
    List<PlannedStep> plan = List.of();
    int stepIndex = -1;
    StepRun current;

    Machine(String name, LabModel lab) {
        this.name = name;
        this.lab = lab;
    }

    public String name() {
        return name;
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

    /** The plan finished its last step. */
    abstract void planDone(PlanKind kind);

    /** The plan stopped at a failure step. */
    abstract void planFailed(PlanKind kind, PlannedStep failure);

    /** A step finished (before the next starts): for caches and counters. */
    void stepFinished(StepRun run) {}

    /** Starts a plan; the machine takes ownership of {@code steps} (callers pass a list they made for it). */
    void startPlan(PlanKind kind, List<PlannedStep> steps) {
        stopPlan();
        run++;
        planKind = kind;
        plan = steps;
        stepIndex = -1;
        nextStep();
    }

    private void nextStep() {
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
            lab.log(name, "fail", step.phase() + ":", step.failure());
            clearPlan();
            planFailed(kind, step);
            return;
        }
        PhaseRecord rec = new PhaseRecord(step.phase(), step.step(), lab.sim().now());
        timeline.add(rec);
        current = new StepRun(this, step, rec);
        current.start();
    }

    void stepDone(StepRun r) {
        if (r != current) {
            return;
        }
        r.record.end = lab.sim().now();
        r.record.boundBy = r.boundBy;
        if (lab.logging()) {
            if (r.step.step().isEmpty()) {
                lab.log(name, "done", r.step.phase(), BOUND_WORDS[r.boundBy.ordinal()]);
            } else {
                lab.log(name, "done", r.step.phase(), r.step.step(), BOUND_WORDS[r.boundBy.ordinal()]);
            }
        }
        current = null;
        stepFinished(r);
        nextStep();
    }

    /** Abandons the current plan: running activities are withdrawn and the open timeline row is closed. */
    void stopPlan() {
        if (current != null) {
            current.cancel();
            current.record.end = lab.sim().now();
            current = null;
        }
        clearPlan();
        run++;
    }

    private void clearPlan() {
        plan = List.of();
        stepIndex = -1;
        planKind = null;
    }

    boolean busy() {
        return planKind != null;
    }
}
