package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.StatSample;
import dev.hyperlab.api.lab.VmSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A running workload's figures over time ({@code vm stat --history}): a sample every 10 minutes of lab time, CPU ready
 * over each interval (so a noisy neighbour's arrival shows when it came), a host's rows summed over its VMs, the same
 * for a seed every run, and nothing sampled where no workload runs.
 */
class StatHistoryTest {
    static List<StatSample> run() {
        try (LocalLab lab = Labs.inMemory(7)) {
            WorkloadTest.host(lab, 4, "64GiB");
            lab.createVm(VmSpec.of("critical", "h", 2, Sizes.parse("2GiB")).withOs("linux-server")
                    .withWorkload("build"));
            WorkloadTest.startAll(lab, List.of("critical"));
            lab.advance("1h");
            for (int i = 0; i < 2; i++) {
                lab.createVm(VmSpec.of("noisy" + i, "h", 2, Sizes.parse("2GiB")).withOs("linux-server")
                        .withWorkload("build"));
            }
            WorkloadTest.startAll(lab, List.of("noisy0", "noisy1"));
            lab.advance("1h");
            return lab.statHistory(List.of("critical", "h"));
        }
    }

    @Test
    void aNoisyNeighbourShowsInTheSamplesWhenItArrives() {
        List<StatSample> all = run();
        List<StatSample> critical = all.stream().filter(s -> s.machine().equals("critical")).toList();
        assertThat(critical.size()).as("one sample at its start and one per 10 minutes").isGreaterThanOrEqualTo(12);
        for (int i = 1; i < critical.size(); i++) {
            Duration gap = critical.get(i).time().minus(critical.get(i - 1).time());
            assertThat(gap).isLessThanOrEqualTo(Duration.ofMinutes(10));
        }
        Duration arrival = critical.getFirst().time().plusHours(1);
        double before = critical.stream().filter(s -> s.time().compareTo(arrival) <= 0)
                .mapToDouble(StatSample::cpuReady).max().orElseThrow();
        double after = critical.getLast().cpuReady();
        assertThat(before).as("alone on 4 cores").isZero();
        assertThat(after).as("6 busy vCPUs on 4 cores").isGreaterThan(0.1);
        List<StatSample> host = all.stream().filter(s -> s.machine().equals("h")).toList();
        assertThat(host.getLast().cpuReady()).isGreaterThan(0.1);
        assertThat(host.getLast().memoryUsed()).isGreaterThan(critical.getLast().memoryUsed());
        assertThat(run()).as("the same seed, the same samples").isEqualTo(all);
    }

    @Test
    void networkTrafficIsSampledPerVmAndSummedOnItsHost() {
        try (LocalLab lab = Labs.inMemory(7)) {
            WorkloadTest.host(lab, 4, "64GiB");
            for (String vm : List.of("web1", "web2")) {
                lab.createVm(VmSpec.of(vm, "h", 2, Sizes.parse("2GiB")).withOs("linux-server").withWorkload("web"));
            }
            WorkloadTest.startAll(lab, List.of("web1", "web2"));
            lab.advance("1h");
            List<StatSample> all = lab.statHistory(List.of("web1", "web2", "h"));
            List<StatSample> web1 = all.stream().filter(s -> s.machine().equals("web1")).toList();
            assertThat(web1.size()).isGreaterThanOrEqualTo(6);
            for (int i = 1; i < web1.size(); i++) {
                assertThat(web1.get(i).netTx()).as("a web server sends all the time")
                        .isGreaterThan(web1.get(i - 1).netTx());
            }
            assertThat(web1.getLast().netTx()).isLessThanOrEqualTo(lab.vm("web1").stat().netTx());
            StatSample host = all.stream().filter(s -> s.machine().equals("h")).toList().getLast();
            long sum = all.stream().filter(s -> !s.machine().equals("h") && s.time().equals(host.time()))
                    .mapToLong(StatSample::netTx).sum();
            assertThat(host.netTx()).isPositive().isEqualTo(sum);
        }
    }

    @Test
    void aSavedSampleOfTheWrongWidthIsRefusedWithALine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path dir = tmp.resolve("lab");
        try (LocalLab lab = Labs.open(dir, 3)) {
            WorkloadTest.host(lab, 4, "64GiB");
            lab.createVm(VmSpec.of("web", "h", 2, Sizes.parse("2GiB")).withOs("linux-server").withWorkload("web"));
            WorkloadTest.startAll(lab, List.of("web"));
            lab.advance("30m");
        }
        java.nio.file.Path file = dir.resolve("lab.json");
        String text = java.nio.file.Files.readString(file);
        String edited = text.replaceFirst("\"statSamples\"\\s*:\\s*\\[\\s*\\[", "\"statSamples\":[[1,");
        assertThat(edited).isNotEqualTo(text);
        java.nio.file.Files.writeString(file, edited);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Labs.open(dir, 3))
                .hasMessageContaining("statSamples row has 9 numbers, not 8");
    }

    @Test
    void idleGuestsAreNotSampled() {
        try (LocalLab lab = Labs.inMemory(7)) {
            WorkloadTest.host(lab, 4, "64GiB");
            lab.createVm(VmSpec.of("quiet", "h", 2, Sizes.parse("2GiB")).withOs("linux-server"));
            WorkloadTest.startAll(lab, List.of("quiet"));
            int pending = lab.info().pendingEvents();
            lab.advance("1h");
            assertThat(lab.statHistory(List.of())).isEmpty();
            assertThat(lab.info().pendingEvents()).isEqualTo(pending);
        }
    }
}
