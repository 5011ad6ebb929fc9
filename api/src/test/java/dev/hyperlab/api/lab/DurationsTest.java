package dev.hyperlab.api.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    private static String f(double seconds) {
        return Durations.format(Duration.ofNanos(Math.round(seconds * 1e9)));
    }

    @Test
    void theLastPartShownIsRoundedNotCutOff() {
        // a recovery time of 76.8 s printed as 1m 16s read a second short of its own parts
        assertThat(f(76.795)).isEqualTo("1m 17s");
        assertThat(f(76.4)).isEqualTo("1m 16s");
        assertThat(f(119.7)).isEqualTo("2m 0s");
        assertThat(f(3599.6)).isEqualTo("1h 0m");
        assertThat(f(3600 + 29.9)).isEqualTo("1h 0m");
        assertThat(f(3600 + 30)).isEqualTo("1h 1m");
        assertThat(f(86400 - 20)).isEqualTo("1d 0h");
        assertThat(f(86400 + 1800)).isEqualTo("1d 1h");
    }

    @Test
    void aFigureThatRoundsUpToTheNextUnitIsShownInIt() {
        assertThat(f(59.96)).isEqualTo("1m 0s");
        assertThat(f(59.94)).isEqualTo("59.9s");
        assertThat(f(0.9996)).isEqualTo("1s");
        assertThat(f(0.0009996)).isEqualTo("1ms");
        assertThat(Durations.format(Duration.ofNanos(999_600))).isEqualTo("1ms");
        assertThat(Durations.format(Duration.ofNanos(999))).isEqualTo("999ns");
    }

    @Test
    void smallFiguresKeepTheirDecimals() {
        assertThat(f(4.25)).isEqualTo("4.25s");
        assertThat(f(0.18)).isEqualTo("180ms");
        assertThat(Durations.format(Duration.ofNanos(35_000))).isEqualTo("35us");
        assertThat(f(92)).isEqualTo("1m 32s");
        assertThat(f(3720)).isEqualTo("1h 2m");
        assertThat(Durations.format(Duration.ofSeconds(-5))).isEqualTo("-5s");
    }

    @Test
    void parsesWhatItFormats() {
        assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> Durations.parse("-1s")).isInstanceOf(LabException.class);
    }
}
