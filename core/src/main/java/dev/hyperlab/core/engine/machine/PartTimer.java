package dev.hyperlab.core.engine.machine;

import dev.hyperlab.core.sim.SimEvent;

/**
 * The fixed-delay or network part of a machine's current step is over. Ignored when the machine has moved on
 * ({@code run} is no longer its current run number).
 *
 * @param machine the machine's name: what is saved and logged
 * @param target the machine that scheduled the timer while it is still the lab's machine of that name (saves a look-up
 *     by name per timer in a storm of 440,000 events); null for a timer read back from a saved lab, found by its name
 */
public record PartTimer(String machine, long run, int part, Machine target) implements SimEvent {
    /** A timer read back from a saved lab: found by its machine's name. */
    public PartTimer(String machine, long run, int part) {
        this(machine, run, part, null);
    }

    @Override
    public String describe() {
        return "timer " + machine + " run=" + run + " part=" + StepRun.partName(part);
    }

    /** {@link #describe()}'s line as words: a logged storm's 200,000 timers built each line as a string first. */
    @Override
    public void log(dev.hyperlab.core.sim.EventLog log, long now) {
        log.recordWords(now, "timer", 3, machine, "run=" + run,
                part >= 0 && part < PART_WORDS.length ? PART_WORDS[part] : "part=" + StepRun.partName(part), null);
    }

    /** "part=" and each part's name. */
    private static final String[] PART_WORDS = new String[8];

    static {
        for (int i = 0; i < PART_WORDS.length; i++) {
            PART_WORDS[i] = "part=" + StepRun.partName(i);
        }
    }
}
