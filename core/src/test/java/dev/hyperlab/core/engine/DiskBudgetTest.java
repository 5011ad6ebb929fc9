package dev.hyperlab.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.LabInfo;
import dev.hyperlab.core.lab.GuestWritesTest;
import dev.hyperlab.core.lab.Labs;
import dev.hyperlab.core.lab.LocalLab;
import dev.hyperlab.core.storage.workload.GuestRegions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk an advance takes is known before it runs and held to the lab's budget: {@code lab info} counts the blocks
 * the lab's files hold (not their apparent sizes), an advance whose guests could write more new space than the budget
 * is refused up front with nothing changed, and what an advance really adds stays within what was foreseen.
 */
class DiskBudgetTest {
    @TempDir
    Path tmp;

    @Test
    void anAdvanceOverTheBudgetIsRefusedUpFrontAndOneWithinItGrowsTheLabByNoMoreThanForeseen() throws Exception {
        Path dir = tmp.resolve("lab");
        try (LocalLab lab = Labs.open(dir, 3)) {
            GuestWritesTest.setUp(lab);
            LabInfo before = lab.info();
            assertThat(before.diskUsed()).as("thin overlays and sparse host disks: far less than their sizes")
                    .isPositive().isLessThan(before.diskApparent() / 100);
            assertThat(before.diskBudgetSetting()).isEqualTo("auto");
            assertThat(before.diskBudget()).isEqualTo(before.diskFree() / 2);
            Duration now = lab.now();
            GuestIo.Estimate six = lab.model().guestIo.estimate(now.toNanos(), now.plusHours(6).toNanos());
            // 30 KiB/s for 6 hours, half of it log lines, half 8 KiB database pages
            assertThat(six.written()).isBetween(600L << 20, 700L << 20);
            assertThat(six.space()).as("no more than the log ring and the database region can take")
                    .isPositive().isLessThan(2 * GuestRegions.MAX_REGION + (4 << 20));

            lab.setDiskBudget("100MiB");
            long used = lab.info().diskUsed();
            String saved = Files.readString(dir.resolve("lab.json"));
            assertThatThrownBy(() -> lab.advance("6h")).isInstanceOfSatisfying(LabException.class, e -> {
                assertThat(e.kind()).isEqualTo(LabException.Kind.INSUFFICIENT);
                assertThat(e.getMessage()).startsWith("advance 6h 0m: the guests would write ")
                        .contains("over the lab's disk budget of 100 MiB")
                        .containsPattern("\\(setDiskBudget\\(budget\\) [0-9]+MiB allows it, or advance less at a time\\)")
                        .doesNotContain("\n");
            });
            assertThat(lab.now()).as("refused before anything ran").isEqualTo(now);
            assertThat(Files.readString(dir.resolve("lab.json"))).isEqualTo(saved);
            assertThat(lab.info().diskUsed()).isEqualTo(used);

            lab.setDiskBudget(DiskBudget.roundUp(six.space()));
            lab.advance("6h");
            long grew = lab.info().diskUsed() - before.diskUsed();
            assertThat(grew).as("the guests' writes really take disk").isGreaterThan(six.space() / 2);
            assertThat(grew).as("and no more than foreseen").isLessThanOrEqualTo(six.space());
        }
        try (LocalLab lab = Labs.open(dir, 3)) {
            assertThat(lab.info().diskBudgetSetting()).as("kept with the lab").isNotEqualTo("auto");
            lab.setDiskBudget("auto");
            assertThat(lab.info().diskBudgetSetting()).isEqualTo("auto");
            assertThatThrownBy(() -> lab.setDiskBudget("lots")).isInstanceOf(LabException.class)
                    .hasMessageContaining("'lots' is not a size");
        }
    }

    @Test
    void aLongAdvanceTakesNoMoreThanTheRegionsHoldHoweverLong() throws Exception {
        try (LocalLab lab = Labs.open(tmp.resolve("long"), 4)) {
            GuestWritesTest.setUp(lab);
            long now = lab.now().toNanos();
            GuestIo.Estimate day = lab.model().guestIo.estimate(now, now + Duration.ofDays(1).toNanos());
            GuestIo.Estimate year = lab.model().guestIo.estimate(now, now + Duration.ofDays(365).toNanos());
            assertThat(year.written()).isGreaterThan(300 * day.written());
            assertThat(year.space()).as("the log ring wraps and database pages are rewritten in place")
                    .isEqualTo(day.space());
        }
    }

    @Test
    void aLabInMemoryHasNoDiskToBudget() {
        try (LocalLab lab = Labs.inMemory(5)) {
            GuestWritesTest.setUp(lab);
            lab.setDiskBudget("0");
            lab.advance("1d"); // writes nothing: nothing to refuse
            assertThat(lab.info().diskUsed()).isZero();
        }
    }
}
