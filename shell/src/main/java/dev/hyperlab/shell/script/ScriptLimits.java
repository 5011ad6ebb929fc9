package dev.hyperlab.shell.script;

import dev.hyperlab.api.lab.Sizes;
import java.time.Duration;

/**
 * What one run of a script may spend before it is stopped: JavaScript statements executed (the prelude's do not
 * count), CPU time of the process while it runs (the simulation it asks for included, on whichever threads) and
 * memory, what the heap holds
 * more than when it started ({@link HeapWatch}; no single typed array, buffer or string may be larger either). Each
 * stops the run with an error naming the limit and the option that raises it; the lab keeps every change made until
 * then, consistent.
 *
 * @param statements statements at most; 0 for no limit
 * @param cpu CPU time at most; {@link Duration#ZERO} for no limit
 * @param memory bytes the script may keep at most; 0 for no limit of its own (the heap's ceiling still holds)
 */
public record ScriptLimits(long statements, Duration cpu, long memory) {
    /** What the memory limit is by default at most: a script keeping more is rare and better said. */
    static final long DEFAULT_MEMORY = Sizes.GiB;

    /**
     * A billion statements (seconds of compiled JavaScript), ten minutes of CPU time, and 1 GiB of memory, or half
     * of what the JVM's heap can keep when that is less (the rest is the shell's and the lab's).
     */
    public static final ScriptLimits DEFAULT = new ScriptLimits(1_000_000_000L, Duration.ofMinutes(10),
            Math.min(DEFAULT_MEMORY, HeapWatch.capacity() / 2));

    public ScriptLimits {
        if (statements < 0) {
            throw new IllegalArgumentException("statements < 0");
        }
        if (cpu == null || cpu.isNegative()) {
            throw new IllegalArgumentException("cpu < 0");
        }
        if (memory < 0) {
            throw new IllegalArgumentException("memory < 0");
        }
    }

    /** The most memory a script may be given: the heap's ceiling ({@link HeapWatch#ceiling()}). */
    public static long maxMemory() {
        return HeapWatch.ceiling();
    }
}
