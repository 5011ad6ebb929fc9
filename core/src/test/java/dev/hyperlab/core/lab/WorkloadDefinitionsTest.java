package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmChange;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.WorkloadInfo;
import dev.hyperlab.api.lab.WorkloadSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lab's own workloads ({@code workload create}): a user replaces an assumed figure (the build workload's CPU share)
 * with a value of their own, and the lab's answer changes with it; the definition is saved with the lab, refused
 * whole when it is wrong, and cannot be deleted while a VM has it.
 */
class WorkloadDefinitionsTest {
    @TempDir
    Path tmp;

    /** CPU ready of a 2-vCPU build guest on 4 cores beside two 2-vCPU neighbours running {@code neighbours}. */
    private static double readyBeside(String neighbours, double neighbourCpu) {
        try (LocalLab lab = Labs.inMemory(7)) {
            WorkloadTest.host(lab, 4, "64GiB");
            if (!neighbours.equals("build")) {
                lab.createWorkload(WorkloadSpec.like(neighbours, "build").withCpuPerVcpu(neighbourCpu));
            }
            lab.createVm(VmSpec.of("critical", "h", 2, Sizes.parse("2GiB")).withOs("linux-server")
                    .withWorkload("build"));
            for (int i = 0; i < 2; i++) {
                lab.createVm(VmSpec.of("noisy" + i, "h", 2, Sizes.parse("2GiB")).withOs("linux-server")
                        .withWorkload(neighbours));
            }
            WorkloadTest.startAll(lab, List.of("critical", "noisy0", "noisy1"));
            lab.advance("1h");
            return lab.vm("critical").stat().cpuReady();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aLabSavedBeforeWorkloadsHadNetworkTrafficOpensWithNoneCarriedAndCountsFromThen() throws Exception {
        Path dir = tmp.resolve("old");
        try (LocalLab lab = Labs.open(dir, 3)) {
            WorkloadTest.host(lab, 4, "64GiB");
            lab.createWorkload(WorkloadSpec.like("etl", "database"));
            lab.createVm(VmSpec.of("db", "h", 2, Sizes.parse("4GiB")).withOs("linux-server").withWorkload("etl"));
            WorkloadTest.startAll(lab, List.of("db"));
            lab.advance("10m");
        }
        // as the previous version wrote it: six rates and six totals a running workload, no netRx/netTx a definition
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Path file = dir.resolve("lab.json");
        java.util.Map<String, Object> root = json.readValue(file.toFile(), java.util.Map.class);
        for (Object w : (List<Object>) root.get("workloads")) {
            ((java.util.Map<String, Object>) w).keySet().removeAll(List.of("netRx", "netTx"));
        }
        int trimmed = 0;
        for (Object v : (List<Object>) root.get("vms")) {
            if (((java.util.Map<String, Object>) v).get("workloadRun") instanceof java.util.Map<?, ?> run) {
                for (String key : List.of("rates", "totals")) {
                    List<Object> l = (List<Object>) run.get(key);
                    l.subList(6, l.size()).clear();
                    trimmed++;
                }
                for (Object row : (List<Object>) run.get("statSamples")) { // and six numbers a sample
                    ((List<Object>) row).subList(6, 8).clear();
                }
            }
        }
        assertThat(trimmed).isEqualTo(2);
        json.writeValue(file.toFile(), root);
        try (LocalLab lab = Labs.open(dir, 3)) {
            assertThat(lab.vm("db").stat().netRx()).isZero();
            assertThat(lab.statHistory(List.of("db"))).isNotEmpty().allSatisfy(s -> assertThat(s.netTx()).isZero());
            assertThat(lab.workloads().getLast().netTx()).as("the old definition carries nothing").isZero();
            lab.vm("db").set(VmChange.NONE.withWorkload("database"));
            lab.advance("1s");
            assertThat(lab.vm("db").stat().netTx()).isPositive();
        }
    }

    @Test
    void aUsersFigureInPlaceOfAnAssumedOneChangesWhatTheLabShows() {
        double assumed = readyBeside("build", 1.0);
        double halved = readyBeside("half-build", 0.5);
        assertThat(assumed).as("6 busy vCPUs on 4 cores").isGreaterThan(0.1);
        assertThat(halved).as("2 + 2 x 2 x 0.5 = 4 vCPUs' worth on 4 cores: no wait").isLessThan(0.01);
    }

    @Test
    void aDefinitionIsListedSavedWithTheLabAndNotDeletedWhileInUse() {
        Path dir = tmp.resolve("lab");
        try (LocalLab lab = Labs.open(dir, 3)) {
            WorkloadTest.host(lab, 4, "64GiB");
            WorkloadInfo made = lab.createWorkload(WorkloadSpec.of("etl").withCpuPerVcpu(0.25)
                    .withReads(50, Sizes.parse("1MiB")).withAppends(20, Sizes.parse("64KiB"))
                    .withNetwork(Sizes.KiB, 2 * Sizes.MiB));
            assertThat(made.source()).isEqualTo("lab");
            assertThat(made.description()).isEqualTo("25% of its vCPUs, 50 reads/s of 1 MiB, 20 appends/s of 64 KiB, "
                    + "receives 1 KiB/s, sends 2 MiB/s");
            assertThat(lab.workloads()).extracting(WorkloadInfo::id)
                    .containsExactly("idle", "web", "database", "desktop", "build", "etl");
            lab.createVm(VmSpec.of("loader", "h", 2, Sizes.parse("2GiB")).withOs("linux-server").withWorkload("etl"));
        }
        try (LocalLab lab = Labs.open(dir, 3)) {
            assertThat(lab.workloads().getLast()).as("kept with the lab")
                    .isEqualTo(new WorkloadInfo("etl", "25% of its vCPUs, 50 reads/s of 1 MiB, 20 appends/s of 64 KiB, "
                            + "receives 1 KiB/s, sends 2 MiB/s", "lab", 0.25, 50, Sizes.MiB, 0, 0, 20, 64 * Sizes.KiB,
                            Sizes.KiB, 2 * Sizes.MiB));
            assertThat(lab.vm("loader").info().workload()).isEqualTo("etl");
            assertThatThrownBy(() -> lab.deleteWorkload("etl")).isInstanceOf(LabException.class)
                    .hasMessage("workload 'etl' is in use by VM loader (give them another workload first)");
            assertThatThrownBy(() -> lab.deleteWorkload("build")).isInstanceOf(LabException.class)
                    .hasMessageStartingWith("workload 'build' is built in");
            lab.vm("loader").set(VmChange.NONE.withWorkload("web"));
            lab.deleteWorkload("etl");
            assertThat(lab.workloads()).extracting(WorkloadInfo::id).doesNotContain("etl");
        }
    }

    @Test
    void aWrongDefinitionIsRefusedWholeAndChangesNothing() throws Exception {
        Path dir = tmp.resolve("bad");
        try (LocalLab lab = Labs.open(dir, 3)) {
            WorkloadTest.host(lab, 4, "64GiB");
            lab.createWorkload(WorkloadSpec.like("mine", "web"));
            List<WorkloadInfo> before = lab.workloads();
            String saved = Files.readString(dir.resolve("lab.json"));
            List<WorkloadSpec> bad = List.of(
                    WorkloadSpec.like("web", "idle"),
                    WorkloadSpec.like("mine", "idle"),
                    WorkloadSpec.like("../x", "idle"),
                    WorkloadSpec.like("x", "nosuch"),
                    WorkloadSpec.of("x").withCpuPerVcpu(1.5),
                    WorkloadSpec.of("x").withCpuPerVcpu(Double.NaN),
                    WorkloadSpec.of("x").withReads(-1, 4096),
                    WorkloadSpec.of("x").withReads(10, 0),
                    WorkloadSpec.of("x").withWrites(10, Sizes.GiB),
                    WorkloadSpec.of("x").withAppends(Double.POSITIVE_INFINITY, 4096),
                    WorkloadSpec.of("x").withDescription("two\nlines"));
            for (WorkloadSpec spec : bad) {
                assertThatThrownBy(() -> lab.createWorkload(spec)).as(spec.toString())
                        .isInstanceOfSatisfying(LabException.class,
                                e -> assertThat(e.getMessage()).doesNotContain("\n").isNotBlank());
            }
            assertThatThrownBy(() -> lab.createVm(VmSpec.of("v", "h", 1, Sizes.GiB).withWorkload("nosuch")))
                    .hasMessageContaining("one of idle, web, database, desktop, build, mine");
            assertThat(lab.workloads()).isEqualTo(before);
            assertThat(Files.readString(dir.resolve("lab.json"))).isEqualTo(saved);
        }
    }

    @Test
    void aHostileSavedDefinitionIsRefusedOnLoad() throws Exception {
        Path dir = tmp.resolve("hostile");
        try (LocalLab lab = Labs.open(dir, 3)) {
            lab.createWorkload(WorkloadSpec.of("w").withReads(10, 4096));
        }
        Path file = dir.resolve("lab.json");
        Files.writeString(file, Files.readString(file).replace("\"readSize\":4096", "\"readSize\":4096000000000"));
        assertThatThrownBy(() -> Labs.open(dir, 3)).hasMessageContaining("read size").hasMessageContaining("out of range");
    }
}
