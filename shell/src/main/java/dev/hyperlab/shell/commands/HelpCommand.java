package dev.hyperlab.shell.commands;

import dev.hyperlab.shell.command.CommandGroup;
import dev.hyperlab.shell.command.Section;
import dev.hyperlab.shell.command.ShellCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Style;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;

/** {@code help [GROUP [VERB]]}: the commands by group, or one group's or command's usage. */
@Command(name = "help", description = "List the commands by group; help GROUP or help GROUP VERB shows one "
        + "(as CMD --help does).")
public final class HelpCommand extends ShellCommand {
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "A group, or a group and a verb: vm, vm start.",
            completionCandidates = LiveNames.CommandNames.class)
    List<String> command = new ArrayList<>();

    HelpCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        PrintWriter out = out();
        if (command.isEmpty()) {
            overview(out);
            return 0;
        }
        CommandLine line = ctx.commands().line(command.getFirst()).orElseThrow(() -> new ShellException(
                "no command group '" + command.getFirst() + "'", "help lists them"));
        for (String verb : command.subList(1, command.size())) {
            CommandLine sub = line.getSubcommands().get(verb);
            if (sub == null) {
                throw new ShellException("no command '" + line.getCommandSpec().qualifiedName(" ") + " " + verb + "'",
                        "help " + line.getCommandName() + " lists its verbs");
            }
            line = sub;
        }
        line.usage(out, line.getColorScheme());
        out.flush();
        return 0;
    }

    private void overview(PrintWriter out) {
        Style style = style();
        List<String[]> rows = new ArrayList<>();
        for (Section section : Section.values()) {
            boolean any = false;
            for (CommandGroup g : ctx.catalog().groups()) {
                if (g.section() != section) {
                    continue;
                }
                if (!any) {
                    rows.add(new String[] {null, section.title()});
                    any = true;
                }
                CommandSpec spec = ctx.commands().line(g).getCommandSpec();
                if (spec.subcommands().isEmpty()) {
                    rows.add(new String[] {g.name(), summary(spec)});
                } else {
                    for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
                        if (e.getKey().equals(e.getValue().getCommandName())) {
                            rows.add(new String[] {g.name() + " " + e.getKey(), summary(e.getValue().getCommandSpec())});
                        }
                    }
                }
            }
        }
        int w = rows.stream().filter(r -> r[0] != null).mapToInt(r -> r[0].length()).max().orElse(10);
        int room = Math.max(30, output().columns() - w - 5);
        for (String[] r : rows) {
            if (r[0] == null) {
                out.println(style.bold(r[1]));
            } else {
                String text = r[1].length() > room ? r[1].substring(0, room - 1) + "\u2026" : r[1];
                out.println("  " + style.cyan(r[0]) + " ".repeat(w - r[0].length() + 2) + text);
            }
        }
        out.println();
        out.println("help GROUP or CMD --help for the details; Tab completes commands, options and names.");
        out.println("Sizes: 512MiB, 64GiB (binary), MB/GB (decimal). Durations: 250ms, 30s, 5m, 1h. Reads take --json, "
                + "changes take --dry-run.");
    }

    /** The first sentence of a command's description. */
    static String summary(CommandSpec spec) {
        String[] d = spec.usageMessage().description();
        if (d.length == 0) {
            return "";
        }
        String first = d[0];
        int dot = first.indexOf(". ");
        String s = dot > 0 ? first.substring(0, dot) : first;
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
