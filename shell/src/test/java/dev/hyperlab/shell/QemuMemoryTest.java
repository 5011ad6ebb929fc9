package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.lab.Labs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `mem stat` and `mem balloon` on a real VM (QEMU, TCG, the tiny-linux guest, which loads virtio_balloon): the
 * balloon inflated and deflated through QMP, seen in QEMU's balloon size and in the guest's own statistics (its
 * available memory falls by what the balloon took and comes back); bad targets refused; JavaScript reads the same.
 */
class QemuMemoryTest {
    private static final long MIB = 1 << 20;
    private static final Duration PATIENCE = Duration.ofMinutes(3);

    @TempDir
    Path home;

    @AfterEach
    void stopEverything() throws Exception {
        RealVms.kill(home.resolve("lab"), "g1");
    }

    /** Polls `mem stat` until {@code done} holds (the deadline only keeps a broken run from hanging). */
    private static JsonNode memStatUntil(ShellFixture sh, Predicate<JsonNode> done) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            JsonNode m = sh.run("mem stat g1 --json").json();
            if (done.test(m)) {
                return m;
            }
            assertThat(System.nanoTime()).as("mem stat still %s after %s", m, PATIENCE).isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    @Test
    void theBalloonTakesMemoryFromARealGuestAndGivesItBack() throws Exception {
        try (ShellFixture sh = new ShellFixture(() -> Labs.open(home.resolve("lab"), 1, Extensions.builtIn(),
                Optional.of("qemu")))) {
            sh.ok("vm create g1 --host local --vcpus 1 --memory 256MiB --os tiny-linux");
            sh.ok("vm start g1 --wait --timeout 5m");
            // usable is the guest's own figure (its available memory) once its driver reports: less than all of it
            JsonNode full = memStatUntil(sh, m -> m.get("usable").asLong() > 0
                    && m.get("usable").asLong() < m.get("actual").asLong());
            assertThat(full.get("configured").asLong()).isEqualTo(256 * MIB);
            assertThat(full.get("actual").asLong()).isEqualTo(256 * MIB);
            assertThat(full.get("balloon").asLong()).isZero();
            assertThat(full.get("resident").asLong()).as("guest RAM QEMU touched").isPositive();

            sh.ok("mem balloon g1 128MiB");
            JsonNode inflated = memStatUntil(sh, m -> m.get("actual").asLong() == 128 * MIB
                    && m.get("usable").asLong() < full.get("usable").asLong() - 100 * MIB
                    && m.get("usable").asLong() < m.get("actual").asLong());
            assertThat(inflated.get("target").asLong()).isEqualTo(128 * MIB);
            assertThat(inflated.get("balloon").asLong()).isEqualTo(128 * MIB);
            assertThat(sh.ok("js lab.vm('g1').memory().actual")).isEqualTo(Long.toString(128 * MIB) + "\n");

            sh.ok("mem balloon g1 256MiB");
            memStatUntil(sh, m -> m.get("actual").asLong() == 256 * MIB
                    && m.get("usable").asLong() > inflated.get("usable").asLong() + 100 * MIB);

            assertThat(sh.run("mem balloon g1 8MiB").err()).startsWith("error: balloon target 8 MiB for VM g1 is out"
                    + " of range");
            assertThat(sh.run("mem balloon g1 1GiB").err()).startsWith("error: balloon target 1 GiB for VM g1");
            assertThat(sh.run("mem stat g1 --json").json().get("target").asLong()).isEqualTo(256 * MIB);

            sh.ok("vm destroy g1");
            assertThat(sh.run("mem stat g1").err()).startsWith("error: VM g1 is shutoff");
        }
    }
}
