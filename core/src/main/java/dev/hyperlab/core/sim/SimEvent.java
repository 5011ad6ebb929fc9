package dev.hyperlab.core.sim;

/**
 * An event in the simulation's queue. Events are data (records), never callbacks, so a lab with pending events can be
 * saved and loaded; the model dispatches on the record type. {@link #describe()} is the event's line in the event
 * log, so it must depend only on the event's own fields.
 */
public interface SimEvent {
    /** One line for the event log, e.g. {@code step-done vm=web1 step=kernel}. */
    String describe();

    /**
     * Records {@link #describe()}'s line in {@code log} at {@code now}. An event logged by the million may give its
     * words to {@link EventLog#recordWords} instead: the same line, without building it as one string first.
     */
    default void log(EventLog log, long now) {
        log.record(now, describe());
    }
}
