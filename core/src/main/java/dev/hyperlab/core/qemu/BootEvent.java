package dev.hyperlab.core.qemu;

/**
 * One line of a VM's {@code timeline.jsonl}: a phase began (or, for {@code ready}, the boot ended) at {@code atMicros}
 * (wall time, microseconds since the epoch). {@code offset} is where the console log stood after the line that
 * showed it; {@code late} says the line was read after it appeared (no hyperlab process was watching then), so its
 * time is when it was read.
 */
record BootEvent(long atMicros, String phase, String step, String text, long offset, boolean late) {
    /** The phase name of the event that ends the machine's run (powered off, destroyed, died): it begins nothing. */
    static final String END = "off";

    /** A new boot begins with this phase: QEMU's process started, or the machine was reset. */
    boolean startsBoot() {
        return phase.equals("vmm") && (step.equals("start") || step.equals("reset"));
    }

    boolean isReady() {
        return phase.equals(BootPhases.READY);
    }

    /** Whether the event ends the phase under way without beginning one ({@code ready}, {@code off}). */
    boolean endsPhase() {
        return isReady() || phase.equals(END);
    }
}
