package dev.hyperlab.shell;

import dev.hyperlab.shell.command.CommandCatalog;
import dev.hyperlab.shell.command.CommandGroup;
import dev.hyperlab.shell.command.Commands;
import dev.hyperlab.shell.command.Section;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * docs/commands.md, generated from the picocli definitions (the ones that parse, print {@code --help} and drive Tab
 * completion) and the invocation options, so the reference cannot drift from the shell: a test compares the file
 * with this output.
 */
public final class CommandReference {
    /** How to regenerate the file; printed in it and by the test that checks it. */
    public static final String REGENERATE =
            "./mvnw -q -B -pl shell -am test -Dtest=CommandReferenceTest -Dhyperlab.docs.write=true";

    private CommandReference() {}

    /** The whole reference as Markdown. */
    public static String markdown(Commands commands, CommandCatalog catalog) {
        StringBuilder b = new StringBuilder();
        b.append("# hyperlab command reference\n\n")
                .append("Generated from the commands' definitions, the same ones behind `--help`, `help` and Tab ")
                .append("completion; a test fails when this file and the shell differ. To regenerate it:\n\n")
                .append("```sh\n").append(REGENERATE).append("\n```\n\n");
        b.append("## Invocation\n\n```\n").append(Invocation.usage().lines()
                .takeWhile(l -> !l.isBlank()).map(l -> l + "\n").reduce("", String::concat)).append("```\n\n");
        b.append("| option | meaning |\n|---|---|\n");
        for (Invocation.Opt o : Invocation.OPTIONS) {
            b.append("| `").append(cell(o.names() + (o.param().isEmpty() ? "" : " " + o.param()))).append("` | ")
                    .append(cell(o.description())).append(" |\n");
        }
        b.append("""

                ## Conventions

                - `help` lists the commands by group; `help GROUP`, `help GROUP VERB` and `CMD --help` show one.
                - Tab completes commands, verbs, options and names (hosts, VMs, OS profiles, firmware, drivers; later \
                snapshots, disks, backups, plugins). History is kept in `~/.hyperlab/history` (`$HYPERLAB_HOME/history`).
                - Sizes: `512MiB`, `64GiB`, `2TiB` are binary; `MB`, `GB` are decimal. JSON gives bytes.
                - Durations: `250ms`, `30s`, `5m`, `1h`, `1m30s`. JSON gives lab-time seconds as numbers.
                - Every command that reads takes `--json`: one JSON document on stdout, nothing else. Field names are \
                those of the facade's records (`vm info --json` has `name`, `host`, `state`, `vcpus`, `memory`, \
                `firmware`, `disks`, `drivers`, `reason`, ...).
                - Every command that changes the lab takes `--dry-run`: it runs on a throw-away copy of the lab, which \
                then runs on until nothing boots, and prints the predicted timeline and end states; the lab and its \
                files do not change.
                - Commands that start something lasting take `--wait` (and `--timeout DURATION`): the simulation runs \
                until it is done, with a progress bar on a terminal.
                - Errors: one line `error: WHAT (HINT)` on stderr; the REPL keeps going, batch modes exit with status 1.
                - Ctrl-C cancels the running wait or advance (the lab stays consistent at the lab time reached); \
                Ctrl-D leaves.
                - Several commands on one line: `cmd1; cmd2`. In a command file, `#` starts a comment line and a \
                trailing `\\` continues a command on the next line.

                """);
        for (Section section : Section.values()) {
            List<CommandGroup> groups = catalog.groups().stream().filter(g -> g.section() == section).toList();
            if (groups.isEmpty()) {
                continue;
            }
            b.append("## ").append(section.title()).append("\n\n");
            for (CommandGroup g : groups) {
                command(commands.line(g), b);
            }
        }
        return b.toString();
    }

    private static void command(CommandLine line, StringBuilder b) {
        CommandSpec spec = line.getCommandSpec();
        if (!spec.subcommands().isEmpty()) {
            for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
                if (e.getKey().equals(e.getValue().getCommandName())) {
                    command(e.getValue(), b);
                }
            }
            return;
        }
        b.append("### `").append(spec.qualifiedName(" ")).append("`\n\n");
        boolean code = false;
        for (String paragraph : spec.usageMessage().description()) {
            boolean indented = paragraph.startsWith("  ");
            if (code && indented) {
                b.setLength(b.length() - 1); // consecutive example lines: one code block
            }
            b.append(indented ? "    " + paragraph.strip() : paragraph).append("\n\n");
            code = indented;
        }
        if (spec.aliases().length > 0) {
            b.append("Also: `").append(String.join("`, `", spec.aliases())).append("`.\n\n");
        }
        Help help = new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF));
        b.append("```\n").append(help.synopsis(0).strip()).append("\n```\n\n");
        b.append("| argument | meaning |\n|---|---|\n");
        for (PositionalParamSpec p : spec.positionalParameters()) {
            b.append("| `").append(cell(p.paramLabel())).append(p.arity().max() > 1 ? "..." : "").append("` | ")
                    .append(cell(description(p))).append(" |\n");
        }
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            b.append("| `").append(cell(String.join(", ", o.names()) + (o.arity().max() > 0 ? " " + o.paramLabel() : "")))
                    .append("` | ").append(cell(description(o)))
                    .append(repeatable(o) ? " Repeatable." : "")
                    .append(" |\n");
        }
        b.append('\n');
    }

    /** Whether the table says an option may be given again: not when its own description says so already. */
    private static boolean repeatable(OptionSpec o) {
        return o.isMultiValue() && !o.typeInfo().isBoolean() && o.splitRegex().isEmpty()
                && !description(o).toLowerCase(Locale.ROOT).contains("repeatable");
    }

    private static String description(ArgSpec a) {
        return String.join(" ", a.description());
    }

    /** Text in a table cell: a {@code |}, even in a code span ({@code host|vm}), would end the cell (GFM). */
    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
