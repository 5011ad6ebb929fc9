package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.shell.render.Times;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Messages fit where they are shown: hints that lead somewhere (never to a destructive command as a correction), the
 * shell's option names in the shell and the facade's names in scripts, lab times precise enough to tell events
 * apart, counts in the right number.
 */
class MessagesTest {
    @Test
    void hintsSayWhatLeadsToTheStateAskedFor() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.small().ok("vm start web1 --wait");

            String wait = shell.run("wait vm web1 --state shutoff").err();
            assertThat(wait).contains("VM web1 is running and will not become shutoff", "vm shutdown web1")
                    .doesNotContain("vm start");

            shell.ok("host power-off ws1; host power-on ws1");
            String start = shell.run("vm start dev1").err();
            assertThat(start).contains("host ws1 is booting", "still booting", "wait host ws1")
                    .doesNotContain("power it on");

            assertThat(shell.run("mem stat esx1").err())
                    .isEqualTo("error: 'esx1' is a host, not a VM (mem host esx1 shows a host's memory)\n");
            assertThat(shell.run("mem host web1").err())
                    .isEqualTo("error: 'web1' is a VM, not a host (mem stat web1 shows a VM's memory)\n");
            assertThat(shell.run("vm info esx1").err()).contains("no VM named 'esx1': 'esx1' is a host");
        }
    }

    @Test
    void aMistypedCommandIsNeverCorrectedToADestructiveOne() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            assertThat(shell.run("host delet esx1").err()) // one letter from host delete: never offered
                    .isEqualTo("error: unknown command 'host delet' (help host lists its verbs)\n");
            assertThat(shell.run("vm delet web1").err()).doesNotContain("vm delete");
            assertThat(shell.run("vm destory web1").err()).doesNotContain("vm destroy");
            assertThat(shell.run("reset esx1").err()).doesNotContain("host reset");
            // vm stat is as near as vm start (and reads only): either may be offered, never a destructive verb
            assertThat(shell.run("vm strat web1").err()).containsPattern("did you mean `vm (start|stat)`\\?");
            assertThat(shell.run("vm starrt web1").err()).contains("did you mean `vm start`?");
            assertThat(shell.run("snapshot creat web1 s1").err()).contains("did you mean `snapshot create`?");
        }
    }

    @Test
    void theShellNamesItsOptionsAndAScriptTheFacadesFields() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.small().ok("vm start web1 --wait");

            assertThat(shell.run("vm create bare --host esx1 --vcpus 1 --memory 1GiB").err()).isEqualTo(
                    "error: VM bare has no disk (give it an OS profile with --os or a disk with --disk)\n");
            String js = shell.run("js lab.createVm({name: 'bare', host: 'esx1', vcpus: 1, memory: '1GiB'})").err();
            assertThat(js).contains("VM bare has no disk (give it an OS profile with os or a disk with disks)")
                    .doesNotContain("--");
            String timeout = shell.run("js lab.vm('web1').shutdown({timeout: '5s'})").err();
            assertThat(timeout).contains("timed out after 5s: VM web1 is still shutting down", "a longer timeout")
                    .doesNotContain("--");
            shell.ok("host create bare3 --cores 2 --ram 4GiB --firmware bios");
            assertThat(shell.run("host install bare3 --hypervisor type1 --host-os linux").err())
                    .contains("a --host-os does not apply", "install a type2 --hypervisor");
            // 0 GHz was taken as the default 2.1 GHz without a word, while 0.4 was out of range
            assertThat(shell.run("host create slow --cores 2 --ram 4GiB --cpu-ghz 0").err())
                    .isEqualTo("error: --cpu-ghz 0 is out of range (0.5 to 10)\n");
            assertThat(shell.run("host list --json").out()).doesNotContain("slow");
        }
    }

    @Test
    void countsTakeTheirNumber() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.small();
            assertThat(shell.ok("vm create one --host esx1 --vcpus 1 --memory 1GiB --os microvm"))
                    .contains(": 1 vCPU, 1 GiB");
            assertThat(shell.ok("host policy esx1 --max-concurrent-boots 1"))
                    .contains("at most 1 concurrent boot,");
            assertThat(shell.ok("host create tiny --cores 1 --ram 2GiB --firmware bios")).contains(": 1 core, ");
            assertThat(shell.run("vm create two --host tiny --vcpus 2 --memory 1GiB --os microvm").err())
                    .contains("has 2 vCPUs but host tiny has 1 core (give it at most 1 vCPU)");
        }
    }

    @Test
    void labTimesShowEnoughDigitsToTellEventsApart() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            assertThat(shell.ok("advance 1d")).isEqualTo("lab time 0s -> 1d 0h 0m 0s\n");
            assertThat(shell.ok("advance 6h4m12.5s")).isEqualTo("lab time 1d 0h 0m 0s -> 1d 6h 4m 12.5s\n");
        }
        assertThat(Times.at(Duration.ofSeconds(6 * 3600 + 11 * 60 + 4).plusMillis(352))).isEqualTo("6h 11m 4.352s");
        assertThat(Times.at(Duration.ofMillis(4961))).isEqualTo("4.961s");
        Duration a = Duration.ofSeconds(22260);
        Duration b = a.plusNanos(150);
        assertThat(Times.decimals(List.of(a, b, a))).isEqualTo(7);
        assertThat(Times.at(b, Times.decimals(List.of(a, b)))).isEqualTo("6h 11m 0.0000001s");
        assertThat(Times.decimals(List.of(a, a.plusMillis(1)))).isEqualTo(3);
    }

    @Test
    void theTimelinesStartColumnTellsRowsApartAndARunningPhaseShowsItsBoundNow() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.small().ok("advance 6h; vm start web1 fc1 --wait; vm suspend web1");

            List<String> rows = shell.ok("timeline web1 fc1").lines()
                    .filter(l -> l.contains("6h ") && !l.contains("lab time")).toList();
            assertThat(rows).hasSizeGreaterThan(5);
            Pattern start = Pattern.compile("  (6h \\d+m [0-9.]+s)  ");
            List<String> starts = rows.stream().map(start::matcher).map(m -> m.find() ? m.group(1) : "none").toList();
            assertThat(starts).as("every START to the millisecond at least").doesNotContain("none");
            assertThat(new HashSet<>(starts)).as("phases that start at different times show different starts")
                    .hasSizeGreaterThan(5);

            var phases = shell.run("timeline web1 --json").json();
            var suspend = phases.get(phases.size() - 1);
            assertThat(suspend.get("phase").asText()).isEqualTo("suspend");
            assertThat(suspend.get("end").isNull()).isTrue();
            assertThat(suspend.get("boundBy").asText()).as("writing memory: bound by the disk now").isEqualTo("disk");
        }
    }
}
