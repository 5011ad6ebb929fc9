package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyperlab.shell.command.ChangeCommand;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Commands finish what they start: every command that starts lasting work takes --wait, --no-wait and --timeout; in
 * batch mode the snapshot, revert and suspend commands wait by default (virsh's snapshot-create-as and
 * snapshot-revert return when done); every such command says the state the machine is in.
 */
class LastingCommandsTest {
    @TempDir
    Path tmp;

    /** The commands that start work the lab carries out over lab time. */
    static final List<String> LASTING = List.of("vm start", "vm shutdown", "vm reboot", "vm suspend", "vm resume",
            "snapshot create", "snapshot revert", "snapshot delete", "host power-on", "host power-off", "host reset",
            "backup restore");

    @Test
    void everyCommandThatStartsLastingWorkTakesWaitNoWaitAndTimeout() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            for (String path : LASTING) {
                Object command = shell.ctx.commands().command(path);
                assertThat(command).as(path).isInstanceOf(ChangeCommand.class);
                CommandSpec spec = shell.ctx.commands().line(path.split(" ")[0]).orElseThrow().getSubcommands()
                        .get(path.split(" ")[1]).getCommandSpec();
                for (String option : List.of("--wait", "--no-wait", "--timeout")) {
                    assertThat(spec.findOption(option)).as(path + " " + option).isNotNull();
                }
            }
        }
    }

    @Test
    void inBatchModeSnapshotsWaitSoTheNextOneInTheSameBatchWorks() {
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.small().ok("vm start web1 --wait");
            shell.ctx.unattended(true); // a command file, piped stdin, -c

            String out = shell.ok("snapshot create web1 s1; snapshot create web1 s2");

            assertThat(out).contains("snapshot s1 taken", "snapshot s2 taken after s1")
                    .contains("web1 running after").doesNotContain("paused");
            assertThat(state(shell, "web1")).isEqualTo("running");

            out = shell.ok("snapshot revert web1 s1");
            assertThat(out).contains("reverted to s1", "web1 running after");
            assertThat(state(shell, "web1")).as("its state is loaded, not still paused").isEqualTo("running");

            assertThat(shell.ok("vm suspend web1")).contains("web1 suspended after");
            assertThat(shell.ok("vm resume web1 --wait")).contains("web1 running after");
            assertThat(shell.ok("snapshot create web1 s3 --no-wait")).contains("web1 paused: snapshot under way");
        }
    }

    @Test
    void atThePromptTheyReturnAtOnceAndSayWhatIsUnderWay() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.small().ok("vm start web1 --wait");

            assertThat(shell.ok("vm suspend web1")).isEqualTo("web1 running: suspend under way (advance runs it on; "
                    + "--wait waits for it)\n");
            shell.ok("advance 1m");
            assertThat(shell.ok("vm resume web1 --wait")).startsWith("web1 running after ");
            String shutdown = shell.ok("vm shutdown web1 --wait");
            assertThat(shutdown).startsWith("web1 shutoff after 12s (lab time ");
            assertThat(shell.ok("timeline web1")).contains("shutdown/guest");
            JsonNode phases = shell.run("timeline web1 --json").json();
            JsonNode last = phases.get(phases.size() - 1);
            assertThat(last.get("phase").asText()).isEqualTo("shutdown");
            assertThat(last.get("end").asDouble() - last.get("start").asDouble()).isEqualTo(12.0);
            assertThat(last.get("boundBy").asText()).isEqualTo("fixed");
        }
    }

    @Test
    void aMicroVmIgnoresTheShutdownRequestAndIsForcedOff() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.small().ok("vm start fc1 --wait");

            String out = shell.ok("vm shutdown fc1 --wait");

            assertThat(out).startsWith("fc1 shutoff after 3m 0s")
                    .contains("forced off after 3m", "does not answer an ACPI shutdown request");
            assertThat(shell.ok("timeline fc1")).contains("shutdown/acpi-ignored");
        }
    }

    @Test
    void aWaitThatTimesOutNamesTheOptionThatWaitsLonger() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.small().ok("vm start web1 --wait");

            ShellFixture.Result r = shell.run("vm shutdown web1 --timeout 5s");

            assertThat(r.ok()).isFalse();
            assertThat(r.err()).isEqualTo("error: timed out after 5s: VM web1 is still shutting down (it goes on; "
                    + "a longer --timeout waits for it)\n");
            assertThat(shell.ok("advance 7s; vm info web1 --json")).contains("\"state\" : \"shutoff\"");
            assertThat(shell.run("vm shutdown web1 --wait --no-wait").err())
                    .contains("--wait and --no-wait exclude each other");
        }
    }

    @Test
    void hostPowerVerbsWaitForTheBoot() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.small();
            assertThat(shell.ok("host reset esx1 --wait")).startsWith("esx1 running after ");
            assertThat(shell.ok("host power-off esx1 --wait")).startsWith("esx1 off (lab time ");
            assertThat(shell.ok("host power-on esx1")).startsWith("esx1 booting (advance runs its boot on;");
        }
    }

    private static String state(ShellFixture shell, String vm) {
        return shell.run("vm info " + vm + " --json").json().get("state").asText();
    }
}
