package dev.hyperlab.core.sim;

/**
 * The predicted moment an activity on a shared resource completes. Stale when the resource's epoch has moved on
 * (its shares were recomputed and a new tick scheduled).
 */
public record ResourceTick(String resource, long epoch) implements SimEvent {
    @Override
    public String describe() {
        return "tick " + resource;
    }
}
