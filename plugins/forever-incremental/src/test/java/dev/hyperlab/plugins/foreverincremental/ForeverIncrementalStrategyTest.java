package dev.hyperlab.plugins.foreverincremental;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.core.backup.BackupResult;
import dev.hyperlab.testkit.PluginTestKit;
import dev.hyperlab.testkit.TestDisk;
import dev.hyperlab.testkit.TestRepository;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two weeks of daily backups of a changing disk: the days between fulls read only what changed, every seventh reads
 * everything again, and every day restores byte for byte through the repository's one restore.
 */
class ForeverIncrementalStrategyTest {

    @Test
    void dailyBackupsReadOnlyChangesAndAFullEverySeventhAndAllRestore() {
        try (TestRepository repo = PluginTestKit.repository().withStrategy(new ForeverIncrementalStrategy())) {
            TestDisk vda = repo.disk("vda", 64L << 20, 3);
            List<BackupResult> days = new ArrayList<>();
            List<String> digests = new ArrayList<>();
            for (int day = 0; day < 15; day++) {
                if (day > 0) {
                    vda.write(day, 20); // 20 blocks of 4 KiB a day
                }
                digests.add(vda.sha256());
                days.add(repo.backup("web1", "forever-incremental", vda));
            }
            long fullRead = days.getFirst().backup().bytesRead();
            for (int day = 0; day < days.size(); day++) {
                long read = days.get(day).backup().bytesRead();
                if (day % 7 == 0) {
                    assertThat(read).as("day %d reads the whole disk", day).isGreaterThanOrEqualTo(fullRead);
                } else {
                    // 20 writes dirty at most 20 bitmap granules of 64 KiB
                    assertThat(read).as("day %d reads only changes", day).isLessThanOrEqualTo(20 * 65536L)
                            .isLessThan(fullRead / 5);
                }
                assertThat(PluginTestKit.sha256(repo.restore(days.get(day).id(), "vda"))).as("restore of day %d", day)
                        .isEqualTo(digests.get(day));
            }
            assertThat(days.get(7).backup().notes()).anyMatch(n -> n.startsWith("active full: backup 8 of web1"));
            assertThat(days.get(8).backup().notes()).isEmpty();
            assertThat(repo.faults()).isEmpty();
        }
    }

    @Test
    void theFirstBackupByThisStrategyIsItsFullThenItCountsFromAnyBase() {
        try (TestRepository repo = PluginTestKit.repository().withStrategy(new ForeverIncrementalStrategy())) {
            TestDisk vda = repo.disk("vda", 16L << 20, 4);
            repo.backup("web1", "full", vda); // the bitmap now counts from a backup of another strategy: still a base
            vda.write(1, 5);
            BackupResult second = repo.backup("web1", "forever-incremental", vda);
            // the first forever-incremental backup of web1 is its periodic full
            assertThat(second.backup().bytesRead()).isGreaterThan(1L << 20);
            vda.write(2, 5);
            BackupResult third = repo.backup("web1", "forever-incremental", vda);
            assertThat(third.backup().bytesRead()).isLessThanOrEqualTo(5 * 65536L);
            assertThat(PluginTestKit.sha256(repo.restore(third.id(), "vda"))).isEqualTo(vda.sha256());
        }
    }

    @Test
    void aBitmapLeftInUseByAKillGivesAFullBackupOfTheDiskThenChangesAgain() {
        try (TestRepository repo = PluginTestKit.repository().withStrategy(new ForeverIncrementalStrategy())) {
            TestDisk vda = repo.disk("vda", 16L << 20, 5);
            repo.backup("web1", "forever-incremental", vda); // its periodic full
            vda.write(1, 5);
            vda.killWriter();

            BackupResult afterKill = repo.backup("web1", "forever-incremental", vda);

            // the same rule and words as the built-in incremental strategy's (the spi's ChangesSince)
            assertThat(afterKill.backup().notes()).singleElement().asString()
                    .startsWith("disk vda: dirty bitmap is inconsistent (image not closed cleanly)")
                    .endsWith("; full backup of it instead");
            assertThat(afterKill.backup().bytesRead()).isGreaterThan(1L << 20);
            assertThat(PluginTestKit.sha256(repo.restore(afterKill.id(), "vda"))).isEqualTo(vda.sha256());
            vda.write(2, 5);
            BackupResult next = repo.backup("web1", "forever-incremental", vda);
            assertThat(next.backup().notes()).isEmpty();
            assertThat(next.backup().bytesRead()).isLessThanOrEqualTo(5 * 65536L);
            assertThat(PluginTestKit.sha256(repo.restore(next.id(), "vda"))).isEqualTo(vda.sha256());
            assertThat(repo.faults()).isEmpty();
        }
    }
}
