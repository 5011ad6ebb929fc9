package dev.hyperlab.shell.render;

import dev.hyperlab.api.lab.Durations;
import java.time.Duration;
import java.util.Locale;

/** Lab times for people, precise enough to tell boot phases apart: {@code 4.961s}, {@code 2m 4.961s}, {@code 1h 2m}. */
public final class Times {
    private Times() {}

    /** A point in lab time with millisecond precision under an hour. */
    public static String at(Duration t) {
        long ms = t.toMillis();
        if (ms < 60_000) {
            return trim(String.format(Locale.ROOT, "%.3f", ms / 1000.0)) + "s";
        }
        if (ms < 3_600_000) {
            return (ms / 60_000) + "m " + trim(String.format(Locale.ROOT, "%.3f", (ms % 60_000) / 1000.0)) + "s";
        }
        return Durations.format(t);
    }

    /** A length for people (two significant parts): {@code 1m 32s}, {@code 4.25s}, {@code 180ms}. */
    public static String length(Duration d) {
        return Durations.format(d);
    }

    private static String trim(String s) {
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
