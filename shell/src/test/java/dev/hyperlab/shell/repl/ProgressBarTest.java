package dev.hyperlab.shell.repl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.RunProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The progress line: what it says for an advance and for a wait, that it fits, and that short waits draw nothing. */
class ProgressBarTest {
    private static RunProgress advance(Duration elapsed) {
        return new RunProgress(Duration.ZERO, Duration.ofHours(6), Duration.ofHours(24), true, 0, 3, 5, 8,
                1_288_490_189L, elapsed, false);
    }

    @Test
    void anAdvanceShowsLabTimeOfItsTargetWhatHappensAndTheTimeLeft() {
        String line = ProgressBar.line(advance(Duration.ofSeconds(2)), 160);
        assertThat(line).startsWith("lab time 6h 0m 0s of 1d 0h 0m 0s [").contains(" 25%",
                "3 VMs booting, 5/8 running", "guest writes 1.2 GiB", "~6s left", "(Ctrl-C stops)");
    }

    @Test
    void aWaitHasNoBarNorEstimateItEndsWhenWhatItWaitsForHappens() {
        RunProgress wait = new RunProgress(Duration.ZERO, Duration.ofMinutes(2), Duration.ofHours(1), false, 1, 1, 0,
                1, 0, Duration.ofSeconds(3), false);
        assertThat(ProgressBar.line(wait, 160)).isEqualTo(
                "waiting: lab time 2m 0s (timeout at 1h 0m 0s)  1 host booting  1 VM booting, 0/1 running  (Ctrl-C stops)");
    }

    @Test
    void aNarrowTerminalGetsAShorterBarThenFewerDetailsNeverAWrappedLine() {
        for (int columns = 40; columns <= 160; columns++) {
            assertThat(ProgressBar.line(advance(Duration.ofSeconds(2)), columns).length()).isLessThanOrEqualTo(columns);
        }
        // lab times are shown in full (h14-commands), so all the details fit from 130 columns
        assertThat(ProgressBar.line(advance(Duration.ofSeconds(2)), 130)).contains("guest writes");
    }

    @Test
    void aCancelledWaitSaysAtOnceWhereItStoppedWhileTheLabIsSaved() {
        RunProgress stopped = new RunProgress(Duration.ZERO, Duration.ofMinutes(75), Duration.ofHours(24), true, 0, 0,
                2, 2, 1L << 30, Duration.ofMillis(300), true);
        StringWriter screen = new StringWriter();
        new ProgressBar(new PrintWriter(screen), () -> 120).progress(stopped);
        assertThat(screen.toString()).endsWith("stopped at lab time 1h 15m 0s: saving the lab there...");
    }

    @Test
    void nothingIsDrawnInTheFirstSecond() {
        StringWriter screen = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(screen), () -> 120);
        bar.progress(advance(Duration.ofMillis(900)));
        bar.clear();
        assertThat(screen.toString()).isEmpty();
        bar.progress(advance(Duration.ofMillis(1100)));
        assertThat(screen.toString()).contains("lab time");
        bar.clear();
        assertThat(screen.toString()).endsWith("\r\u001b[2K");
    }
}
