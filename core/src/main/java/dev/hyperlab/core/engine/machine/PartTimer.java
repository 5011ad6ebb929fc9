package dev.hyperlab.core.engine.machine;

import dev.hyperlab.core.sim.SimEvent;

/**
 * The fixed-delay or network part of a machine's current step is over. Ignored when the machine has moved on
 * ({@code run} is no longer its current run number).
 */
public record PartTimer(String machine, long run, int part) implements SimEvent {
    @Override
    public String describe() {
        return "timer " + machine + " run=" + run + " part=" + StepRun.partName(part);
    }
}
