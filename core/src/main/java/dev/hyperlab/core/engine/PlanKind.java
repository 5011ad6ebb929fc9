package dev.hyperlab.core.engine;

/** What a machine's current plan is for; decides what happens when it ends. */
public enum PlanKind {
    /** Power-on or VM start: ends running. */
    BOOT,
    /** Guest reboot: firmware onward, ends running. */
    REBOOT,
    /** Guest shutdown: ends shut off. */
    SHUTDOWN,
    /** Saving memory to disk: ends suspended. */
    SUSPEND,
    /** Reading memory back: ends running. */
    RESUME,
    /** Paused while a snapshot saves the VM's state: ends by going on with the work it froze. */
    SNAPSHOT,
    /** A reverted VM loading its saved state: ends by going on with the snapshot's frozen work. */
    REVERT
}
