package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code --workload}, {@code vm stat} and {@code host stat} from the shell: the facade's figures, deterministic. */
class WorkloadCommandsTest {
    private static String run() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.small().ok("vm create db1 --host esx1 --vcpus 2 --memory 4GiB --os linux-server --workload database;"
                    + "vm create b1 --host esx1 --vcpus 16 --memory 2GiB --os linux-server --workload build;"
                    + "vm start web1 db1 b1 --wait; vm set web1 --workload web; advance 1h");
            return shell.ok("vm stat db1 --json") + shell.ok("host stat esx1 --json") + shell.ok("vm stat web1")
                    + shell.ok("vm info web1");
        }
    }

    @Test
    void aRunningVmTakesAWorkloadAndItsStatsComeOutTheSameEachRun() {
        String out = run();
        assertThat(out).isEqualTo(run());
        assertThat(out).contains("\"workload\" : \"database\"").contains("\"cpuReady\"").contains("\"diskLatency\"")
                .contains("\"diskWritten\"").contains("\"memoryUsed\"").contains("\"running\" : 3");
        assertThat(out).containsPattern("cpu ready +\\d+\\.\\d%").containsPattern("workload +web");
    }

    @Test
    void statsOverTimeComeOutAsRowsAsJsonAndInTheHtmlTimeline() throws java.io.IOException {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.small().ok("vm set web1 --workload build; vm start web1 --wait; advance 30m;"
                    + "vm create b1 --host esx1 --vcpus 16 --memory 2GiB --os linux-server --workload build;"
                    + "vm start b1 --wait; advance 30m");
            String rows = shell.ok("vm stat web1 --history");
            assertThat(rows).contains("CPU READY").contains("web1");
            assertThat(rows.lines().count()).as("a header and a row per 10 minutes").isGreaterThanOrEqualTo(7);
            String json = shell.ok("host stat esx1 --history --json");
            assertThat(json).contains("\"machine\" : \"esx1\"").contains("\"cpuReady\"");
            java.nio.file.Path html = java.nio.file.Files.createTempFile("timeline", ".html");
            try {
                shell.ok("timeline --html " + html);
                assertThat(java.nio.file.Files.readString(html)).contains("id=\"load-chart\"")
                        .contains("Load over time");
            } finally {
                java.nio.file.Files.deleteIfExists(html);
            }
            assertThat(shell.ok("vm stat fc1 --history")).startsWith("no samples");
        }
    }

    @Test
    void aWorkloadsNetworkTrafficIsSetFromTheShellAScriptAndASnippetAndVmStatCountsIt() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.small();
            assertThat(shell.ok("workload create chatty --like web --net-rx 1MiB/s --net-tx 4MiB"))
                    .contains("receives 1 MiB/s, sends 4 MiB/s");
            shell.ok("js lab.createWorkload({id: 'js-net', like: 'idle', netRx: 1000, netTx: 2000})");
            shell.ok("java lab.createWorkload(WorkloadSpec.of(\"java-net\").withNetwork(3000, 4000))");
            String json = shell.ok("workload list --json");
            assertThat(json).contains("\"netTx\" : 4194304").contains("\"netRx\" : 1000")
                    .contains("\"netTx\" : 4000").contains("\"netTx\" : 2048000");
            assertThat(shell.ok("workload list")).containsPattern("chatty +lab .* 1 MiB +4 MiB");
            shell.ok("vm set web1 --workload chatty; vm start web1 --wait; advance 10s");
            assertThat(shell.ok("vm stat web1 --json")).containsPattern("\"netTx\" : [1-9]\\d+")
                    .contains("\"netRx\"");
            assertThat(shell.ok("host stat esx1 --json")).containsPattern("\"netTx\" : [1-9]\\d+");
            assertThat(shell.ok("vm stat web1")).containsPattern("net sent +\\d");
            ShellFixture.Result bad = shell.run("workload create wrong --net-tx lots");
            assertThat(bad.ok()).isFalse();
            assertThat(bad.err().strip().lines().count()).isEqualTo(1);
            assertThat(bad.err()).contains("--net-tx");
            assertThat(shell.ok("workload list")).doesNotContain("wrong");
        }
    }

    @Test
    void anUnknownWorkloadIsOneLineAndChangesNothing() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.small();
            ShellFixture.Result r = shell.run("vm set web1 --workload mining");
            assertThat(r.ok()).isFalse();
            assertThat(r.err()).contains("no workload 'mining'").contains("idle, web, database, desktop, build");
            assertThat(shell.ok("vm info web1")).containsPattern("workload +idle");
        }
    }

    @Test
    void aLabDefinesAWorkloadFromTheShellAScriptAndASnippet() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.small();
            assertThat(shell.ok("workload create half-build --like build --cpu 0.5"))
                    .isEqualTo("defined workload half-build: like build: 50% of its vCPUs\n");
            shell.ok("js lab.createWorkload({id: 'etl', cpuPerVcpu: 0.25, readIops: 50, readSize: '1MiB'})");
            shell.ok("java lab.createWorkload(WorkloadSpec.of(\"tiny\").withAppends(5, 4096))");
            String list = shell.ok("workload list");
            assertThat(list).containsPattern("half-build +lab +50%").containsPattern("etl +lab +25% +50 x 1 MiB")
                    .containsPattern("tiny +lab +0% +- +- +5 x 4 KiB").containsPattern("build +built-in +100%");
            assertThat(shell.ok("workload list --json")).contains("\"source\" : \"lab\"")
                    .contains("\"readSize\" : 1048576");
            shell.ok("vm set web1 --workload half-build");
            assertThat(shell.ok("vm info web1")).containsPattern("workload +half-build");
            ShellFixture.Result inUse = shell.run("workload delete half-build");
            assertThat(inUse.ok()).isFalse();
            assertThat(inUse.err().strip()).isEqualTo(
                    "error: workload 'half-build' is in use by VM web1 (give them another workload first)");
            ShellFixture.Result bad = shell.run("workload create x --cpu 2");
            assertThat(bad.ok()).isFalse();
            assertThat(bad.err().lines().count()).isEqualTo(1);
            assertThat(shell.ok("workload list")).doesNotContain("x  ");
            shell.ok("vm set web1 --workload idle; workload delete half-build");
            assertThat(shell.ok("workload list")).doesNotContain("half-build");
        }
    }
}
