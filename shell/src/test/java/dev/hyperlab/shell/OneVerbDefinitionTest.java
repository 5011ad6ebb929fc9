package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.shell.command.CommandGroup;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Unattended (-c, command files, scripts) a command line is parsed with a group that holds only the typed verb
 * (picocli reflects over one command's class, not the whole group's): what the user sees must be what the whole
 * group gives, the REPL's definition.
 */
class OneVerbDefinitionTest {
    private final ShellFixture whole = ShellFixture.inMemory();
    private final ShellFixture oneVerb = ShellFixture.inMemory();

    OneVerbDefinitionTest() {
        oneVerb.ctx.unattended(true);
    }

    @AfterEach
    void close() {
        whole.close();
        oneVerb.close();
    }

    @Test
    void unattendedLinesBuildTheTypedVerbAlone() {
        CommandGroup vm = oneVerb.ctx.catalog().find("vm").orElseThrow();
        assertThat(oneVerb.ctx.commands().lineFor(vm, List.of("list")).getSubcommands()).containsOnlyKeys("list");
        CommandGroup exit = oneVerb.ctx.catalog().find("exit").orElseThrow();
        assertThat(oneVerb.ctx.commands().lineFor(exit, List.of())).isSameAs(oneVerb.ctx.commands().line(exit));
        // the REPL builds the whole group
        CommandGroup host = whole.ctx.catalog().find("host").orElseThrow();
        assertThat(whole.ctx.commands().lineFor(host, List.of("list")).getSubcommands()).hasSizeGreaterThan(5);
    }

    @Test
    void everyCommandsHelpAndOptionErrorsAreTheWholeGroups() {
        List<String> paths = whole.ctx.commands().paths();
        assertThat(paths).contains("vm list", "host create", "lab info", "backup run");
        for (String path : paths) {
            if (whole.ctx.catalog().find(path.split(" ")[0]).orElseThrow().multiLine()) {
                continue; // js, java: the rest is code (and unattended, the note about the interpreter is not printed)
            }
            for (String line : List.of(path + " --help", path + " --no-such-option", path + " -5GiB")) {
                ShellFixture.Result expected = whole.run(line);
                ShellFixture.Result actual = oneVerb.run(line);
                assertThat(actual).as(line).isEqualTo(expected);
            }
        }
    }

    @Test
    void groupsVerbsAndTyposAreAnsweredAsBefore() {
        for (String line : List.of("vm", "vm --help", "vm strat web1", "hots list", "vm list --jsn", "vm info nope",
                "vm create", "vm create web1 --host nope --vcpus 1 --memory 1GiB --os microvm", "lab set",
                "snapshot list nope", "vm secureboot", "quit --help", "help vm list", "start web1")) {
            assertThat(oneVerb.run(line)).as(line).isEqualTo(whole.run(line));
        }
    }
}
