package dev.hyperlab.core.engine.machine;

import dev.hyperlab.core.sim.SimEvent;

/** A host's start policy may admit queued VMs now (a group delay has passed). */
public record StartGate(String host) implements SimEvent {
    @Override
    public String describe() {
        return "start-gate " + host;
    }
}
