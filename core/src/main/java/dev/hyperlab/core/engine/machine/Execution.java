package dev.hyperlab.core.engine.machine;

import java.util.Map;
import java.io.IOException;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.hyperlab.api.lab.BoundBy;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.sim.Activity;
import dev.hyperlab.core.sim.EventQueue;
import dev.hyperlab.core.sim.Simulation;
import java.util.ArrayList;
import java.util.List;
import dev.hyperlab.core.engine.persist.SavedDoc;

/**
 * A machine's work in progress taken off its host's resources: the plan, the step it was in and what each part of
 * that step still had to do. A VM pauses by freezing it (while a snapshot saves its state, while a revert loads it)
 * and goes on by thawing it; a snapshot's VM state holds one, so a reverted VM goes on from the very same point.
 *
 * <pre>
 * live step  -- freeze --> Execution   (activities withdrawn with their exact remaining work, timers gone stale)
 * Execution  -- thaw   --> live step   (same plan and step; parts restarted with what they had left)
 * </pre>
 *
 * Remaining work is computed with the same arithmetic the resource uses to bring an activity up to date, so a
 * capture, a freeze and a later capture of the thawed step agree bit for bit.
 *
 * @param state the state the machine returns to when thawed
 * @param kind the plan's kind, or null when the machine had no plan (a running VM, idle)
 * @param plan the plan's steps
 * @param stepIndex the step it was in
 * @param boundBy what bound that step so far
 * @param parts the step's unfinished parts, in part order
 */
public record Execution(VmState state, PlanKind kind, List<PlannedStep> plan, int stepIndex, BoundBy boundBy,
        List<Part> parts) {

    /**
     * An unfinished part of a step.
     *
     * @param part {@link StepRun#FIXED} ... {@link StepRun#MEMORY_IO}
     * @param nanos for a timer part (fixed, network, memory-wait): lab time left
     * @param work for an activity part (cpu, disk, memory-io): work left, in the activity's units
     * @param cap the activity's rate cap
     * @param weight the activity's share weight
     */
    record Part(int part, long nanos, double work, double cap, double weight) {}

    public Execution {
        plan = List.copyOf(plan);
        parts = List.copyOf(parts);
    }

    /** A machine with nothing in progress. */
    static Execution idle(VmState state) {
        return new Execution(state, null, List.of(), -1, BoundBy.FIXED, List.of());
    }

    /** What {@code vm} is doing now, without changing anything (its frozen work while it is paused). */
    public static Execution capture(VmMachine vm) {
        if (vm.frozen != null) {
            return vm.frozen;
        }
        return capture(vm, vm.state());
    }

    private static Execution capture(Machine m, VmState state) {
        StepRun r = m.currentStep();
        if (m.planKind() == null || r == null) {
            return idle(state);
        }
        Simulation sim = m.env.sim();
        long now = sim.now();
        long[] due = timersOf(m, sim);
        List<Part> parts = new ArrayList<>();
        for (int part = StepRun.FIXED; part <= StepRun.MEMORY_IO; part++) {
            if ((r.pending() & (1 << part)) == 0) {
                continue;
            }
            Activity a = r.activity(part);
            if (a != null) {
                parts.add(new Part(part, 0, remainingNow(a, now), a.cap(), a.weight()));
            } else {
                parts.add(new Part(part, due[part] < 0 ? 0 : due[part] - now, 0, 0, 0));
            }
        }
        return new Execution(state, m.planKind(), m.plan, m.stepIndex, r.boundBy(), parts);
    }

    /** An activity's work left at {@code now}: the resource's own update rule, applied without changing it. */
    static double remainingNow(Activity a, long now) {
        long last = Simulation.resourceClock(a.resource())[0];
        if (now == last || !a.active()) {
            return a.remaining();
        }
        double dt = (now - last) / 1e9;
        return a.remaining() - a.rate() * dt;
    }

    /** When each of the machine's live timer parts is due (-1 where none is queued). */
    private static long[] timersOf(Machine m, Simulation sim) {
        long[] due = {-1, -1, -1, -1, -1, -1};
        for (EventQueue.Entry e : sim.queuedEvents()) {
            if (e.event() instanceof PartTimer t && t.machine().equals(m.name) && t.run() == m.run()
                    && t.part() >= 0 && t.part() < due.length && due[t.part()] < 0) {
                due[t.part()] = e.time();
            }
        }
        return due;
    }

    /**
     * Takes {@code vm}'s work off the host: captures it, withdraws its activities, lets its timers go stale and closes
     * its open timeline row (a thaw opens a new one for the rest of the step). Memory stays held.
     */
    static Execution freeze(VmMachine vm) {
        Execution e = capture(vm, vm.state());
        vm.withdrawPlan();
        return e;
    }

    /** Puts frozen work back on the host: the same step goes on with what its parts had left. */
    static void thaw(Machine m, Execution e) {
        if (e.kind() == null) {
            return;
        }
        m.resumePlan(e);
    }

    // ---- saved with the lab and in a snapshot's state (LabCodec, VmStateDoc) ----

    /** Writes this frozen step: the plan, where it was, and what each unfinished part had left. */
    public void save(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("state", state.id());
        g.writeStringField("kind", kind == null ? "" : kind.name());
        g.writeNumberField("stepIndex", stepIndex);
        g.writeStringField("boundBy", boundBy.id());
        PlannedStep.saveAll(g, "plan", plan);
        g.writeArrayFieldStart("parts");
        for (Part p : parts) {
            g.writeStartArray();
            g.writeNumber(p.part());
            g.writeNumber(p.nanos());
            g.writeNumber(p.work());
            g.writeNumber(p.cap());
            g.writeNumber(p.weight());
            g.writeEndArray();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** A frozen step as {@link #save} wrote it. */
    @SuppressWarnings("unchecked")
    public static Execution restore(Map<String, Object> m) throws IOException {
        List<Part> parts = new ArrayList<>();
        List<PlannedStep> plan = PlannedStep.restoreAll(m, "plan");
        for (Object po : SavedDoc.list(m, "parts")) {
            List<Object> p = (List<Object>) po;
            if (p.size() != 5 || !(p.get(0) instanceof Long part) || !(p.get(1) instanceof Long nanos)) {
                throw new IOException("saved lab: a frozen step's part is malformed");
            }
            parts.add(new Part(part.intValue(), nanos, ((Number) p.get(2)).doubleValue(),
                    ((Number) p.get(3)).doubleValue(), ((Number) p.get(4)).doubleValue()));
        }
        String kind = SavedDoc.str(m, "kind");
        return new Execution(VmState.of(SavedDoc.str(m, "state")), kind.isEmpty() ? null : PlanKind.valueOf(kind), plan,
                (int) SavedDoc.num(m, "stepIndex"), BoundBy.of(SavedDoc.str(m, "boundBy")), parts);
    }
}
