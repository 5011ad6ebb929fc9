package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * CPU and memory hot-add from the shell, JavaScript and Java: {@code vm create --max-vcpus/--max-memory} gives room,
 * {@code vm set} on a running VM uses it; what a running VM cannot take is one line and changes nothing.
 */
class HotPlugCommandsTest {
    @Test
    void aRunningVmTakesMoreVcpusAndMemoryThroughEveryFrontEnd() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.small().ok("vm create app --host esx1 --vcpus 2 --memory 4GiB --os linux-server --max-vcpus 8 "
                    + "--max-memory 16GiB; vm start app --wait");
            assertThat(shell.ok("vm info app")).containsPattern("hot-add +up to 8 vCPUs and 16 GiB");

            assertThat(shell.ok("vm set app --vcpus 4 --memory 8GiB")).contains("set app: 4 vCPUs, 8 GiB")
                    .contains("hot-add up to 8 vCPUs and 16 GiB");
            assertThat(shell.ok("vm info app --json")).contains("\"state\" : \"running\"").contains("\"vcpus\" : 4")
                    .contains("\"maxVcpus\" : 8");
            assertThat(shell.ok("js lab.vm('app').set({vcpus: 6}).vcpus")).isEqualTo("6\n");
            assertThat(shell.ok("java lab.vm(\"app\").set(VmChange.NONE.withMemory(Sizes.parse(\"12GiB\"))).memory()"))
                    .contains(String.valueOf(12L << 30));
        }
    }

    @Test
    void whatARunningVmCannotTakeIsOneLineAndChangesNothing() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.small().ok("vm start web1 --wait");
            String before = shell.ok("vm info web1 --json");
            ShellFixture.Result r = shell.run("vm set web1 --vcpus 4");
            assertThat(r.ok()).isFalse();
            assertThat(r.err()).contains("VM web1 can have at most 2 vCPUs while it runs: its hot-add room")
                    .contains("--max-vcpus 4").doesNotContain("Exception");
            assertThat(r.err().lines().count()).isLessThanOrEqualTo(2);
            assertThat(shell.run("vm create x --host esx1 --vcpus 4 --memory 1GiB --os linux-server --max-vcpus 2")
                    .err()).contains("fewer than its 4");
            assertThat(shell.ok("vm info web1 --json")).isEqualTo(before);
        }
    }
}
