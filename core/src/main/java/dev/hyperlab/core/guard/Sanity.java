package dev.hyperlab.core.guard;

import dev.hyperlab.api.spi.BootStep;
import dev.hyperlab.api.spi.Demand;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What counts as nonsense in an extension's answer: the checks the adapters make before the engine uses it. The
 * spi's own records refuse negative or non-finite values when they are built; these bounds catch what they let
 * through and what would overflow lab time. Each check returns the problem, or empty.
 */
public final class Sanity {
    /** Lab time is a long of nanoseconds: a step asking for more than a day is not a firmware or driver step. */
    static final Duration MAX_STEP = Duration.ofDays(1);
    /** About three days of one 3.5 GHz core. */
    static final double MAX_GIGACYCLES = 1e6;
    /** A pebibyte of I/O in one boot step. */
    static final long MAX_BYTES = 1L << 50;

    private static final Pattern PHASE = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private Sanity() {}

    static Optional<String> id(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.of("an id " + (id == null ? "null" : "'" + printable(id) + "'")
                    + " that is not lower-case letters, digits and dashes (at most 64)");
        }
        return Optional.empty();
    }

    static Optional<String> steps(List<BootStep> steps) {
        if (steps == null) {
            return Optional.of("null instead of a list of steps");
        }
        for (BootStep s : steps) {
            if (s == null) {
                return Optional.of("a null step");
            }
            if (!PHASE.matcher(s.phase()).matches()) {
                return Optional.of("a step with phase '" + printable(s.phase())
                        + "' (lower-case letters, digits and dashes)");
            }
            if (s.name().isEmpty() || s.name().length() > 80 || !s.name().equals(printable(s.name()))) {
                return Optional.of("a step named '" + printable(s.name()) + "' (1 to 80 printable characters)");
            }
            Optional<String> d = demand(s.demand());
            if (d.isPresent()) {
                return Optional.of("step '" + s.name() + "' with " + d.get());
            }
        }
        return Optional.empty();
    }

    static Optional<String> demand(Demand d) {
        if (d == null) {
            return Optional.of("a null demand");
        }
        if (d.fixed().plus(d.network()).compareTo(MAX_STEP) > 0) {
            return Optional.of("a delay of " + d.fixed().plus(d.network()) + " (at most a day)");
        }
        if (d.cpuGigacycles() > MAX_GIGACYCLES) {
            return Optional.of(d.cpuGigacycles() + " gigacycles of CPU work (at most " + MAX_GIGACYCLES + ")");
        }
        if (d.readBytes() > MAX_BYTES || d.writeBytes() > MAX_BYTES || d.readOps() > MAX_BYTES
                || d.writeOps() > MAX_BYTES) {
            return Optional.of("more than a pebibyte of I/O");
        }
        return Optional.empty();
    }

    /** A driver's effect: factors within a thousandfold of virtio's either way (the record checks they are positive). */
    static Optional<String> effect(dev.hyperlab.api.spi.DriverEffect e) {
        if (e == null) {
            return Optional.of("null instead of an effect");
        }
        for (double f : new double[] {e.ioThroughputFactor(), e.cpuPerIoFactor()}) {
            if (f < 1e-3 || f > 1e3) {
                return Optional.of("a factor of " + f + " (0.001 to 1000 times virtio's)");
            }
        }
        return Optional.empty();
    }

    /** The text with control characters shown as '?', cut at 100 characters: safe to put in a one-line error. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 100; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }
}
