package dev.hyperlab.core.engine.machine;

import dev.hyperlab.core.sim.SimEvent;

/** A host's running workloads are due a stat sample ({@link StatSampler}). */
public record StatTick(String host) implements SimEvent {
    @Override
    public String describe() {
        return "stat-tick " + host;
    }
}
