package dev.hyperlab.core.engine.machine;

import dev.hyperlab.core.sim.SimEvent;

/** A host's periodic memory work is due: balloons, page sharing, the auto-balloon policy's cycle. */
public record MemoryTick(String host) implements SimEvent {
    @Override
    public String describe() {
        return "memory-tick " + host;
    }
}
