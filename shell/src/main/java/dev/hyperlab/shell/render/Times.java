package dev.hyperlab.shell.render;

import dev.hyperlab.api.lab.Durations;
import java.time.Duration;
import java.util.Collection;
import java.util.TreeSet;

/**
 * Lab times for people. A point in lab time is shown whole, down to the millisecond ({@code 4.961s},
 * {@code 2m 4.961s}, {@code 6h 11m 4.352s}, {@code 1d 0h 0m 0s}): two events a few seconds apart at hour six must
 * not both read {@code 6h 11m}. A length keeps two significant parts ({@code 1m 32s}), as a column of them stays
 * readable.
 */
public final class Times {
    /** Seconds' decimals a point in time shows unless a column needs more to tell its rows apart. */
    public static final int MILLIS = 3;
    private static final int NANOS = 9;

    private Times() {}

    /** A point in lab time, to the millisecond. */
    public static String at(Duration t) {
        return at(t, MILLIS);
    }

    /** A point in lab time with {@code decimals} digits of the second (trailing zeros left out). */
    public static String at(Duration t, int decimals) {
        long n = t.toNanos();
        if (n < 0) {
            return "-" + at(Duration.ofNanos(-n), decimals);
        }
        long s = n / 1_000_000_000L;
        long frac = n % 1_000_000_000L;
        // zero-padded by hand: String.format would set up the locale data (DecimalFormatSymbols) on every command's
        // first time, some milliseconds of start-up
        String digits = Long.toString(frac / pow10(NANOS - decimals));
        String seconds = trim((s % 60) + "." + "0".repeat(Math.max(0, decimals - digits.length())) + digits) + "s";
        if (s < 60) {
            return seconds;
        }
        String minutes = (s / 60 % 60) + "m " + seconds;
        if (s < 3600) {
            return minutes;
        }
        String hours = (s / 3600 % 24) + "h " + minutes;
        return s < 86_400 ? hours : (s / 86_400) + "d " + hours;
    }

    /**
     * The fewest digits of the second, from {@link #MILLIS} up to nanoseconds, at which the distinct times of a column
     * all read differently: two phases that start a microsecond apart show it.
     */
    public static int decimals(Collection<Duration> times) {
        TreeSet<Long> distinct = new TreeSet<>();
        times.forEach(t -> distinct.add(t.toNanos()));
        int decimals = MILLIS;
        Long previous = null;
        for (long n : distinct) {
            while (previous != null && decimals < NANOS && n / pow10(NANOS - decimals) == previous
                    / pow10(NANOS - decimals)) {
                decimals++;
            }
            previous = n;
        }
        return decimals;
    }

    /** A length for people (two significant parts): {@code 1m 32s}, {@code 4.25s}, {@code 180ms}. */
    public static String length(Duration d) {
        return Durations.format(d);
    }

    private static long pow10(int e) {
        long p = 1;
        for (int i = 0; i < e; i++) {
            p *= 10;
        }
        return p;
    }

    private static String trim(String s) {
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
