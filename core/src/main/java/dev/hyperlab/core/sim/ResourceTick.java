package dev.hyperlab.core.sim;

/**
 * The predicted moment an activity on a shared resource completes. Stale when the resource's epoch has moved on
 * (its shares were recomputed and a new tick scheduled).
 *
 * @param resource the resource's id: what is saved and logged
 * @param target the resource itself when the simulation scheduled the tick (saves a look-up by id per tick in a storm
 *     of 440,000 events); null for a tick read back from a saved lab, which is looked up by its id
 */
public record ResourceTick(String resource, long epoch, SharedResource target) implements SimEvent {
    /** A tick read back from a saved lab: found by its resource's id. */
    public ResourceTick(String resource, long epoch) {
        this(resource, epoch, null);
    }

    @Override
    public String describe() {
        return "tick " + resource;
    }
}
