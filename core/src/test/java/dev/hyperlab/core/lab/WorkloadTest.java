package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.hyperlab.api.lab.BackupRun;
import dev.hyperlab.api.lab.Backups;
import dev.hyperlab.api.lab.HostDiskSpec;
import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostStat;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.MemoryPolicy;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmChange;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmStat;
import dev.hyperlab.api.lab.VmState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Running VMs do work: their workloads' CPU demand goes through the host's fair-share solver (CPU ready appears when
 * vCPUs outnumber cores), their writes dirty real disk blocks (what incremental backups carry), their Linux page caches
 * grow into free memory (what drives a host into swap when nothing reclaims it), all deterministic for a seed.
 */
class WorkloadTest {
    static final Duration LONG = Duration.ofHours(1);

    @TempDir
    Path tmp;

    /** A running host of {@code cores} cores and {@code ram} of memory. */
    static void host(Lab lab, int cores, String ram) {
        lab.createHost(HostSpec.of("h", cores, Sizes.parse(ram)).withDisks(List.of(HostDiskSpec.parse("nvme:2TiB"))));
        lab.host("h").install(HypervisorType.TYPE1);
        lab.host("h").powerOn();
        lab.host("h").waitFor(HostState.RUNNING, LONG);
    }

    static void startAll(Lab lab, List<String> names) {
        lab.startVms(names);
        for (String n : names) {
            lab.vm(n).waitFor(VmState.RUNNING, LONG);
        }
    }

    /**
     * A critical 2-vCPU build VM (a release build that must finish) and a small web VM on 4 cores, with
     * {@code neighbours} 2-vCPU build VMs beside them.
     */
    static List<VmStat> critical(int neighbours) {
        try (LocalLab lab = Labs.inMemory(7)) {
            host(lab, 4, "64GiB");
            List<String> names = new ArrayList<>();
            lab.createVm(VmSpec.of("critical", "h", 2, Sizes.parse("2GiB")).withOs("linux-server")
                    .withWorkload("build"));
            lab.createVm(VmSpec.of("web", "h", 1, Sizes.parse("2GiB")).withOs("linux-server").withWorkload("web"));
            names.add("critical");
            names.add("web");
            for (int i = 0; i < neighbours; i++) {
                lab.createVm(VmSpec.of("noisy" + i, "h", 2, Sizes.parse("2GiB")).withOs("linux-server")
                        .withWorkload("build"));
                names.add("noisy" + i);
            }
            startAll(lab, names);
            lab.advance("1h");
            return List.of(lab.vm("critical").stat(), lab.vm("web").stat());
        }
    }

    @Test
    void aNoisyNeighbourSlowsACriticalVm() {
        VmStat alone = critical(0).getFirst(); // 2 + 0.3 of 4 cores asked
        List<VmStat> crowded = critical(2); // 6.3 of 4 cores asked: each 2-vCPU build gets 2 x 3.7 / 6 cores
        assertThat(alone.workload()).isEqualTo("build");
        assertThat(alone.cpuReady()).isLessThan(1e-9);
        assertThat(crowded.getFirst().cpuReady()).isCloseTo(1 - 3.7 / 6, within(1e-3));
        assertThat(crowded.getFirst().runningSeconds()).isGreaterThan(3000);
        // max-min fair shares: a VM asking less than its share never waits (scheduling latency is not modelled)
        assertThat(crowded.get(1).cpuReady()).isLessThan(1e-9);
    }

    @Test
    void vCpusWithinTheCoresWaitForNothing() {
        try (LocalLab lab = Labs.inMemory(3)) {
            host(lab, 16, "64GiB");
            lab.createVm(VmSpec.of("b1", "h", 4, Sizes.parse("2GiB")).withOs("linux-server").withWorkload("build"));
            lab.createVm(VmSpec.of("b2", "h", 4, Sizes.parse("2GiB")).withOs("linux-server").withWorkload("build"));
            startAll(lab, List.of("b1", "b2"));
            lab.advance("10m");
            assertThat(lab.vm("b1").stat().cpuReady()).isLessThan(1e-9);
            HostStat h = lab.host("h").stat();
            assertThat(h.running()).isEqualTo(2);
            assertThat(h.cpuReady()).isLessThan(1e-9);
        }
    }

    /** Four 8 GiB Linux web VMs on a 24 GiB host with 64 GiB of swap, run for {@code days}. */
    static HostStat cacheDrift(boolean autoBalloon, long[] swapped) {
        try (LocalLab lab = Labs.inMemory(11)) {
            host(lab, 16, "24GiB");
            lab.host("h").setMemoryPolicy(new MemoryPolicy(autoBalloon, Sizes.parse("64GiB"), false));
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                lab.createVm(VmSpec.of("web" + i, "h", 2, Sizes.parse("8GiB")).withOs("linux-server")
                        .withWorkload("web"));
                names.add("web" + i);
            }
            startAll(lab, names);
            long before = lab.host("h").memory().swapped();
            lab.advance("2d");
            swapped[0] = before;
            swapped[1] = lab.host("h").memory().swapped();
            return lab.host("h").stat();
        }
    }

    @Test
    void aHostDriftsIntoSwapOverDaysWhenNothingReclaimsGuestPageCaches() {
        long[] swapped = new long[2];
        HostStat stat = cacheDrift(false, swapped);
        assertThat(swapped[0]).isZero(); // right after boot they fit: 4 x 281 MiB
        assertThat(swapped[1]).isGreaterThan(Sizes.parse("4GiB")); // 32 GiB of caches on 24 GiB
        assertThat(stat.memoryUsed()).isGreaterThan(Sizes.parse("28GiB"));
    }

    @Test
    void theBalloonKeepsTheSameHostOutOfSwap() {
        long[] swapped = new long[2];
        cacheDrift(true, swapped);
        long[] without = new long[2];
        cacheDrift(false, without);
        assertThat(swapped[1]).isLessThan(without[1]);
    }

    @Test
    void anIdleLinuxVmNeitherGrowsNorWrites() {
        try (LocalLab lab = Labs.inMemory(5)) {
            host(lab, 16, "64GiB");
            lab.createVm(VmSpec.of("l", "h", 2, Sizes.parse("4GiB")).withOs("linux-server"));
            startAll(lab, List.of("l"));
            long used = lab.vm("l").stat().memoryUsed();
            lab.advance("1d");
            VmStat s = lab.vm("l").stat();
            assertThat(s.workload()).isEqualTo("idle");
            assertThat(s.memoryUsed()).isEqualTo(used);
            assertThat(s.diskWritten()).isZero();
            assertThat(s.cpuReady()).isZero();
        }
    }

    @Test
    void aRunningVmTakesAnotherWorkloadAtOnceAndABadOneChangesNothing() {
        try (LocalLab lab = Labs.inMemory(5)) {
            host(lab, 16, "64GiB");
            lab.createVm(VmSpec.of("l", "h", 2, Sizes.parse("4GiB")).withOs("linux-server"));
            startAll(lab, List.of("l"));
            assertThat(lab.vm("l").set(VmChange.NONE.withWorkload("database")).workload()).isEqualTo("database");
            lab.advance("10m");
            long written = lab.vm("l").stat().diskWritten();
            // 360 random 8 KiB writes and 300 8 KiB appends a second for 600 s
            assertThat(written).isEqualTo((360 + 300) * 8192L * 600);
            assertThatThrownBy(() -> lab.vm("l").set(VmChange.NONE.withWorkload("mining")))
                    .isInstanceOf(LabException.class).hasMessageContaining("no workload 'mining'");
            assertThatThrownBy(() -> lab.vm("l").set(VmChange.NONE.withWorkload("web").withVcpus(4)))
                    .isInstanceOf(LabException.class);
            assertThat(lab.vm("l").info().workload()).isEqualTo("database");
            lab.vm("l").set(VmChange.NONE.withWorkload("idle"));
            lab.advance("10m");
            assertThat(lab.vm("l").stat().diskWritten()).isEqualTo(written);
        }
    }

    /** The stat of a database VM after an hour and a half, its lab saved and reopened half way when {@code split}. */
    private String dbStat(Path dir, boolean split) {
        try (LocalLab lab = Labs.open(dir, 21)) {
            host(lab, 2, "16GiB");
            lab.createVm(VmSpec.of("db", "h", 2, Sizes.parse("4GiB")).withOs("linux-server")
                    .withWorkload("database"));
            lab.createVm(VmSpec.of("b", "h", 2, Sizes.parse("2GiB")).withOs("linux-server").withWorkload("build"));
            startAll(lab, List.of("db", "b"));
            lab.advance("45m");
            if (!split) {
                lab.advance("45m");
                return lab.vm("db").stat() + " " + lab.host("h").stat();
            }
        }
        try (LocalLab lab = Labs.open(dir, 21)) {
            lab.advance("45m");
            return lab.vm("db").stat() + " " + lab.host("h").stat();
        }
    }

    @Test
    void theSameSeedGivesTheSameStatsHoweverTheRunIsSplitAndSaved() {
        String straight = dbStat(tmp.resolve("a"), false);
        String split = dbStat(tmp.resolve("b"), true);
        assertThat(split).isEqualTo(straight);
        assertThat(straight).contains("cpuReady=");
    }

    @Test
    void anIncrementalBackupAfterADayOfADatabaseCarriesItsChangeRate() {
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 13)) {
            host(lab, 16, "64GiB");
            lab.createVm(VmSpec.of("db", "h", 2, Sizes.parse("4GiB")).withOs("linux-server")
                    .withWorkload("database"));
            lab.createVm(VmSpec.of("quiet", "h", 2, Sizes.parse("4GiB")).withOs("linux-server"));
            startAll(lab, List.of("db", "quiet"));
            Backups repo = lab.initBackups(tmp.resolve("repo").toString(), "");
            repo.run("db", "full");
            repo.run("quiet", "full");
            lab.advance("1d");
            BackupRun db = repo.run("db", "incremental");
            BackupRun quiet = repo.run("quiet", "incremental");
            assertThat(quiet.backup().bytesRead()).isZero(); // an idle Linux guest writes nothing (calibration gap)
            // a day of random page updates touches every cluster of the 256 MiB data region, and its log ring
            assertThat(db.backup().bytesRead()).isGreaterThan(Sizes.parse("256MiB"));
            assertThat(lab.vm("db").stat().diskWritten()).isGreaterThan(Sizes.parse("400GiB"));
        }
    }
}
