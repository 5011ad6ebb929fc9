package dev.hyperlab.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.MigrationInfo;
import org.junit.jupiter.api.Test;

/** The arithmetic of pre-copy rounds: what a round can have to send. */
class LiveMigrationPlanTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    @Test
    void aRoundNeverSendsMoreDiskBlocksThanTheDisksHold() {
        // a small disk (64 MiB) written at 40 MiB/s over an 8 MiB/s link, throttled by auto-converge: long rounds
        // write the same blocks again and again, and one dirty bit a block sends each once
        LiveMigration.Plan plan = LiveMigration.plan("db", GIB, GIB, 64 * MIB, 64 * MIB, 8, 0, 40.0 * MIB,
                8.0 * MIB, 0.3, true, false);
        for (MigrationInfo.Round r : plan.rounds()) {
            if (r.number() > 1) {
                assertThat(r.bytes()).as("round %d", r.number()).isLessThanOrEqualTo(GIB + 64 * MIB);
            }
        }
    }

    @Test
    void aDiskLargerThanWhatARoundWritesChangesNothing() {
        LiveMigration.Plan big = LiveMigration.plan("web", GIB, 2 * GIB, 10 * GIB, 1L << 40, 100, MIB, MIB,
                100.0 * MIB, 0.3, false, false);
        LiveMigration.Plan capped = LiveMigration.plan("web", GIB, 2 * GIB, 10 * GIB, 10 * GIB, 100, MIB, MIB,
                100.0 * MIB, 0.3, false, false);
        assertThat(capped.rounds()).isEqualTo(big.rounds());
    }
}
