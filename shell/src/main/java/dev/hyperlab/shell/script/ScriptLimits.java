package dev.hyperlab.shell.script;

import java.time.Duration;

/**
 * What one run of a script may spend before it is stopped: JavaScript statements executed (the prelude's do not
 * count) and CPU time of the thread running it (the simulation it asks for included). Either stops the run with an
 * error naming the limit and the option that raises it; the lab keeps every change made until then, consistent.
 *
 * @param statements statements at most; 0 for no limit
 * @param cpu CPU time at most; {@link Duration#ZERO} for no limit
 */
public record ScriptLimits(long statements, Duration cpu) {
    /** A billion statements (seconds of compiled JavaScript) and ten minutes of CPU time. */
    public static final ScriptLimits DEFAULT = new ScriptLimits(1_000_000_000L, Duration.ofMinutes(10));

    public ScriptLimits {
        if (statements < 0) {
            throw new IllegalArgumentException("statements < 0");
        }
        if (cpu == null || cpu.isNegative()) {
            throw new IllegalArgumentException("cpu < 0");
        }
    }
}
