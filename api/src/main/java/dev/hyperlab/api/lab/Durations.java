package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import java.util.Locale;
import org.apiguardian.api.API;

/**
 * Lab durations as people write them: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, and combinations such as
 * {@code 1m30s}; a bare number is seconds. Also {@code us} and {@code ns} for the small end.
 *
 * <pre>{@code
 * Duration d = Durations.parse("1m30s");      // PT1M30S
 * String s = Durations.format(d);             // "1m 30s"
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public final class Durations {
    private Durations() {}

    /** Parses a duration; throws {@link LabException} ({@code INVALID}) when the text is not one or is negative. */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw LabException.invalid("empty duration", "write a duration like 250ms, 30s, 5m or 1h");
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("-")) {
            throw LabException.invalid("'" + text + "' is negative", "durations are 0 or more");
        }
        long nanos = 0;
        int i = 0;
        boolean any = false;
        while (i < t.length()) {
            int start = i;
            while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
                i++;
            }
            if (start == i) {
                throw bad(text);
            }
            java.math.BigDecimal num;
            try {
                num = new java.math.BigDecimal(t.substring(start, i));
            } catch (NumberFormatException e) {
                throw bad(text);
            }
            int u = i;
            while (i < t.length() && Character.isLetter(t.charAt(i))) {
                i++;
            }
            String unit = t.substring(u, i);
            long mult = switch (unit) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "", "s", "sec" -> 1_000_000_000L;
                case "m", "min" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                case "d" -> 86_400_000_000_000L;
                default -> throw bad(text);
            };
            if (unit.isEmpty() && i < t.length()) {
                throw bad(text);
            }
            try {
                nanos = Math.addExact(nanos, num.multiply(java.math.BigDecimal.valueOf(mult))
                        .setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
            } catch (ArithmeticException e) {
                throw LabException.invalid("'" + text + "' is too long", "durations go up to about 292 years");
            }
            any = true;
            while (i < t.length() && t.charAt(i) == ' ') {
                i++;
            }
        }
        if (!any) {
            throw bad(text);
        }
        return Duration.ofNanos(nanos);
    }

    private static LabException bad(String text) {
        return LabException.invalid("'" + text + "' is not a duration", "write a duration like 250ms, 30s, 5m or 1h");
    }

    /**
     * Formats a duration for people: {@code 1h 2m}, {@code 1m 32s}, {@code 4.25s}, {@code 180ms}, {@code 35us}.
     * Two significant parts at most, so a column of durations stays readable. The last part shown is rounded to the
     * nearest (76.8 s is {@code 1m 17s}, 59.96 s is {@code 1m 0s}), so a sum of figures printed beside each other is
     * never shown short by a second.
     */
    public static String format(Duration d) {
        long n = d.toNanos();
        if (n < 0) {
            return "-" + format(Duration.ofNanos(-n));
        }
        if (n < 1_000L) {
            return n + "ns";
        }
        // each unit's figure rounds; one that rounds up to the next unit's first value is shown in that unit
        if (n < 1_000_000L) {
            String t = trim(n / 1_000.0);
            if (!t.equals("1000")) {
                return t + "us";
            }
            n = 1_000_000L;
        }
        if (n < 1_000_000_000L) {
            String t = trim(n / 1_000_000.0);
            if (!t.equals("1000")) {
                return t + "ms";
            }
            n = 1_000_000_000L;
        }
        if (n < 60_000_000_000L) {
            String t = trim(n / 1_000_000_000.0);
            if (!t.equals("60")) {
                return t + "s";
            }
            n = 60_000_000_000L;
        }
        long s = n / 1_000_000_000L + (n % 1_000_000_000L >= 500_000_000L ? 1 : 0);
        if (s < 3600) {
            return (s / 60) + "m " + (s % 60) + "s";
        }
        long m = n / 60_000_000_000L + (n % 60_000_000_000L >= 30_000_000_000L ? 1 : 0);
        if (m < 1440) {
            return (m / 60) + "h " + (m % 60) + "m";
        }
        long h = n / 3_600_000_000_000L + (n % 3_600_000_000_000L >= 1_800_000_000_000L ? 1 : 0);
        return (h / 24) + "d " + (h % 24) + "h";
    }

    /** Lab time in seconds as JSON gives it (a number with up to nanosecond precision). */
    public static double seconds(Duration d) {
        return d.getSeconds() + d.getNano() / 1e9;
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, v < 10 ? "%.2f" : v < 100 ? "%.1f" : "%.0f", v);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }
}
