package dev.hyperlab.core.engine.machine;

/** What a machine's current plan is for; decides what happens when it ends. */
public enum PlanKind {
    /** Power-on or VM start: ends running. */
    BOOT("boot", "booting"),
    /** Guest reboot: firmware onward, ends running. */
    REBOOT("reboot", "rebooting"),
    /** Guest shutdown: ends shut off. */
    SHUTDOWN("shutdown", "shutting down"),
    /**
     * A guest shutdown the hypervisor's shutdown timeout ends, because the guest does not answer the request or takes
     * longer than that: ends shut off, forced (as by a destroy).
     */
    FORCED_SHUTDOWN("shutdown", "shutting down"),
    /** Saving memory to disk: ends suspended. */
    SUSPEND("suspend", "suspending"),
    /** Reading memory back: ends running. */
    RESUME("resume", "resuming"),
    /** Paused while a snapshot saves the VM's state: ends by going on with the work it froze. */
    SNAPSHOT("snapshot", "paused while its snapshot is saved"),
    /** A reverted VM loading its saved state: ends by going on with the snapshot's frozen work. */
    REVERT("revert", "loading its snapshot's state"),
    /**
     * A live migration's stop-and-copy on the destination: paused while the last dirty pages arrive, then goes on with
     * the work it froze on the source.
     */
    MIGRATE("migrate", "paused while its last memory pages arrive");

    private final String id;
    private final String doing;

    PlanKind(String id, String doing) {
        this.id = id;
        this.doing = doing;
    }

    /** The operation as {@code vm info} names it ({@link dev.hyperlab.api.lab.VmInfo#operation()}). */
    public String id() {
        return id;
    }

    /** What the machine is doing while the plan runs, for messages: {@code shutting down}. */
    public String doing() {
        return doing;
    }
}
