package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * Sizes as people write them: {@code 512MiB}, {@code 64GiB}, {@code 2TiB} are binary; {@code MB}, {@code GB} are
 * decimal; a bare number is bytes. The same parser serves commands, scripts and snippets.
 *
 * <pre>{@code
 * long ram = Sizes.parse("64GiB");      // 68719476736
 * String s = Sizes.format(8053063680L); // "7.5 GiB"
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public final class Sizes {
    public static final long KiB = 1024L;
    public static final long MiB = 1024L * KiB;
    public static final long GiB = 1024L * MiB;
    public static final long TiB = 1024L * GiB;
    public static final long PiB = 1024L * TiB;

    private Sizes() {}

    /** Parses a size; throws {@link LabException} ({@code INVALID}) naming the text when it is not one or is negative. */
    public static long parse(String text) {
        if (text == null || text.isBlank()) {
            throw LabException.invalid("empty size", "write a size like 512MiB or 64GiB");
        }
        String t = text.trim();
        if (t.startsWith("-")) {
            throw LabException.invalid("'" + text + "' is negative", "sizes are 0 or more, like 512MiB or 64GiB");
        }
        int i = 0;
        while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
            i++;
        }
        String num = t.substring(0, i);
        String unit = t.substring(i).trim();
        if (num.isEmpty() || num.chars().filter(c -> c == '.').count() > 1) {
            throw LabException.invalid("'" + text + "' is not a size", "write a size like 512MiB or 64GiB");
        }
        long mult = switch (unit.toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1;
            case "k", "kib" -> KiB;
            case "m", "mib" -> MiB;
            case "g", "gib" -> GiB;
            case "t", "tib" -> TiB;
            case "p", "pib" -> PiB;
            case "kb" -> 1_000L;
            case "mb" -> 1_000_000L;
            case "gb" -> 1_000_000_000L;
            case "tb" -> 1_000_000_000_000L;
            case "pb" -> 1_000_000_000_000_000L;
            default -> throw LabException.invalid(
                    "'" + text + "' has an unknown size unit '" + unit + "'", "use B, KiB, MiB, GiB, TiB, or KB, MB, GB, TB");
        };
        if (num.length() <= 18 && num.indexOf('.') < 0) {
            // a whole number (what nearly every spec gives: "4GiB"): exact in a long, without the BigDecimal a
            // fraction needs; a script's 100,000 specs each parsed a size this way (issue 15)
            long whole = Long.parseLong(num);
            if (whole > Long.MAX_VALUE / mult) {
                throw LabException.invalid("'" + text + "' is too large", "sizes go up to 8 EiB");
            }
            return whole * mult;
        }
        java.math.BigDecimal value = new java.math.BigDecimal(num).multiply(java.math.BigDecimal.valueOf(mult));
        if (value.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw LabException.invalid("'" + text + "' is too large", "sizes go up to 8 EiB");
        }
        long bytes = value.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        return bytes;
    }

    /** Formats bytes in binary units with at most one decimal: {@code 512 MiB}, {@code 7.5 GiB}, {@code 300 B}. */
    public static String format(long bytes) {
        if (bytes < 0) {
            return "-" + format(-bytes);
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        int u = 0;
        double v = bytes;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        if (u == 0) {
            return bytes + " B";
        }
        long tenths = Math.round(v * 10);
        // written by hand, not with String.format: that would set up the locale data (DecimalFormatSymbols), some
        // milliseconds of the start of every command that shows a size
        return tenths % 10 == 0 ? tenths / 10 + " " + units[u] : tenths / 10 + "." + tenths % 10 + " " + units[u];
    }
}
