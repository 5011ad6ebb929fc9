package dev.hyperlab.api.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SizesTest {
    @Test
    void formatShowsBinaryUnitsWithOneDecimalAtMost() {
        assertThat(Sizes.format(300)).isEqualTo("300 B");
        assertThat(Sizes.format(1024)).isEqualTo("1 KiB");
        assertThat(Sizes.format(8053063680L)).isEqualTo("7.5 GiB");
        assertThat(Sizes.format(86_926_131)).isEqualTo("82.9 MiB");
        assertThat(Sizes.format(1023 * 1024 + 1000)).isEqualTo("1024 KiB"); // 1023.98 KiB, rounded in its unit
        assertThat(Sizes.format(-1536)).isEqualTo("-1.5 KiB");
        assertThat(Sizes.format(Long.MAX_VALUE)).isEqualTo("8 EiB");
    }

    /** Written by hand (String.format sets up locale data at start-up): the same text as %.1f of the rounded value. */
    @Test
    void formatReadsAsStringFormatWouldHaveWrittenIt() {
        SplittableRandom random = new SplittableRandom(15);
        for (int i = 0; i < 200_000; i++) {
            long bytes = random.nextLong(1L << random.nextInt(1, 63));
            assertThat(Sizes.format(bytes)).as("%d bytes", bytes).isEqualTo(withStringFormat(bytes));
        }
    }

    @Test
    void parseGivesWholeAndFractionalSizesExactlyAndRefusesWhatALongCannotHold() {
        assertThat(Sizes.parse("4GiB")).isEqualTo(4L << 30);
        assertThat(Sizes.parse(" 128 GiB ")).isEqualTo(128L << 30);
        assertThat(Sizes.parse("007k")).isEqualTo(7 * 1024);
        assertThat(Sizes.parse("0")).isZero();
        assertThat(Sizes.parse("1.5KiB")).isEqualTo(1536);
        assertThat(Sizes.parse("7PiB")).isEqualTo(7L << 50);
        assertThat(Sizes.parse("8191PiB")).isEqualTo(8191L << 50); // the largest whole PiB a long holds
        assertThat(Sizes.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE); // 19 digits: through BigDecimal
        assertThatThrownBy(() -> Sizes.parse("8192PiB")).hasMessageContaining("too large");
        assertThatThrownBy(() -> Sizes.parse("9223372036854775808")).hasMessageContaining("too large");
        assertThatThrownBy(() -> Sizes.parse("999999999999999999TB")).hasMessageContaining("too large");
    }

    /** The unit by the double's binary exponent (1024 = 2^10), the rounded value written by %.1f. */
    private static String withStringFormat(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        int u = Math.min(units.length - 1, Math.getExponent((double) bytes) / 10);
        if (u <= 0) {
            return bytes + " B";
        }
        double rounded = Math.round(Math.scalb((double) bytes, -10 * u) * 10) / 10.0;
        return String.format(Locale.ROOT, "%.1f %s", rounded, units[u]).replace(".0 ", " ");
    }
}
