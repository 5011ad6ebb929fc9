package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.core.lab.Labs;
import dev.hyperlab.shell.command.CallOptions;
import dev.hyperlab.shell.command.CommandGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Core's messages name the facade's parameters, never a command-line flag (issue 22): the shell says them as its
 * options, byte for byte what it said before, and a script reads them as the facade calls them.
 */
class LabMessagesTest {
    @TempDir
    Path tmp;

    @Test
    void aMemoryLabsRefusalNamesHyperlabsOptionInTheShellAndTheFacadesCallInAScript() throws Exception {
        Path image = Files.write(tmp.resolve("a.img"), new byte[1 << 20]); // a raw image on disk, not the lab's
        try (ShellFixture shell = ShellFixture.inMemory()) {
            assertThat(shell.run("disk repair " + image).err()).isEqualTo("error: this lab lives in memory and "
                    + "writes no files, so it cannot repair " + image + " (repair it in a lab in a directory (hyperlab "
                    + "--lab DIR), or with qemu-img check -r all)\n");
            assertThat(shell.run("js lab.repairDisk('" + image + "')").err())
                    .contains("(repair it in a lab in a directory (open(dir)), or with qemu-img check -r all)")
                    .doesNotContain("--lab");
        }
    }

    @Test
    void anAdvanceOverTheDiskBudgetNamesLabSetInTheShellAndSetDiskBudgetInAScript() {
        try (ShellFixture shell = new ShellFixture(() -> Labs.open(tmp.resolve("lab"), 3))) {
            shell.ok("host create h --cores 16 --ram 64GiB; host install h --hypervisor type1; host power-on h --wait;"
                    + "vm create win --host h --vcpus 2 --memory 4GiB --os windows-server --driver virtio-blk;"
                    + "vm create lin --host h --vcpus 2 --memory 2GiB --os linux-server;"
                    + "vm start win lin --wait; lab set --disk-budget 100MiB");
            assertThat(shell.run("advance 6h").err()).startsWith("error: advance 6h 0m: the guests would write ")
                    .containsPattern("\\(lab set --disk-budget [0-9]+MiB allows it, or advance less at a time\\)\n$");
            assertThat(shell.run("js lab.advance('6h')").err())
                    .containsPattern("\\(setDiskBudget\\(budget\\) [0-9]+MiB allows it, or advance less at a time\\)")
                    .doesNotContain("--disk-budget");
        }
    }

    @Test
    void aRefusedMigrationNamesVmMigratesOptionInTheShellAndMigrateOptionsInAScript() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.ok("host create h1 --cores 8 --ram 16GiB; host create h2 --cores 8 --ram 16GiB;"
                    + "vm create web --host h1 --vcpus 2 --memory 2GiB --os linux-server");
            assertThat(shell.run("vm migrate web --to h2 --live").err())
                    .endsWith("(only a running VM migrates live; a stopped one moves without --live)\n");
            assertThat(shell.run("js lab.vm('web').migrate('h2', {live: true})").err())
                    .contains("(only a running VM migrates live; a stopped one moves without live)")
                    .doesNotContain("--live");
        }
    }

    @Test
    void backingUpAHostAsIfAVmSaysHowAHostIsBackedUpInTheShellsAndTheFacadesWords() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            String repo = tmp.resolve("repo").toString();
            shell.ok("host create esx1 --cores 8 --ram 16GiB; backup init " + repo);
            assertThat(shell.run("backup run esx1 --repo " + repo).err()).isEqualTo("error: no VM named 'esx1': 'esx1' is a physical "
                    + "host, which has no hypervisor underneath it to back it up through (image its disks offline "
                    + "(backup run HOST --image) or back up files inside it (backup run HOST --files PATH...))\n");
            assertThat(shell.run("js lab.backups('" + repo + "', '').run('esx1', 'full')").err())
                    .contains("(image its disks offline (image(host)) or back up files inside it "
                            + "(backupHostFiles(paths)))");
            assertThat(shell.run("backup run nosuch --repo " + repo).err()).isEqualTo("error: no VM named 'nosuch' (vm list shows "
                    + "the VMs)\n");
        }
    }

    @Test
    void eachCommandLineTheShellGivesForAnotherCallsParameterHasThatOption() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            for (var e : CallOptions.WORDS.entrySet()) {
                List<String> words = Arrays.asList(e.getValue().split(" "));
                String option = words.stream().filter(w -> w.startsWith("--")).findFirst().orElseThrow();
                List<String> path = words.subList(0, words.indexOf(option)).stream()
                        .filter(w -> w.equals(w.toLowerCase(java.util.Locale.ROOT))).toList();
                boolean hyperlabs = Invocation.OPTIONS.stream().anyMatch(o -> o.names().equals(option));
                if (path.equals(List.of("hyperlab")) || path.isEmpty() && hyperlabs) {
                    assertThat(hyperlabs).as(e.toString()).isTrue();
                    continue;
                }
                List<CommandLine> commands = path.isEmpty() ? all(shell)
                        : List.of(command(shell, path).orElseThrow(() -> new AssertionError("no command " + path)));
                assertThat(commands).as(e.toString())
                        .anyMatch(c -> c.getCommandSpec().findOption(option) != null);
            }
        }
    }

    private static Optional<CommandLine> command(ShellFixture shell, List<String> path) {
        Optional<CommandLine> line = shell.ctx.commands().line(path.getFirst());
        for (String verb : path.subList(1, path.size())) {
            line = line.map(l -> l.getSubcommands().getOrDefault(verb, l)); // a word not a subcommand is an argument
        }
        return line;
    }

    private static List<CommandLine> all(ShellFixture shell) {
        List<CommandLine> out = new ArrayList<>();
        for (CommandGroup g : shell.ctx.catalog().groups()) {
            List<CommandLine> todo = new ArrayList<>(List.of(shell.ctx.commands().line(g)));
            while (!todo.isEmpty()) {
                CommandLine c = todo.removeLast();
                out.add(c);
                todo.addAll(c.getSubcommands().values());
            }
        }
        return out;
    }
}
