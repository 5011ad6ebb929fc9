package dev.hyperlab.shell.commands.lab;

import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.core.lab.Labs;
import dev.hyperlab.core.lab.NamedLab;
import dev.hyperlab.shell.ShellHome;
import dev.hyperlab.shell.command.ShellCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.Json;
import dev.hyperlab.shell.render.Table;
import dev.hyperlab.shell.render.Times;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lab list}: the labs kept by name in {@code $HYPERLAB_HOME/labs} ({@code hyperlab --lab NAME}). Reads their
 * saved files without opening them, and not the session's own lab.
 */
@Command(name = "list", description = "The labs kept by name (hyperlab --lab NAME keeps a lab in "
        + "$HYPERLAB_HOME/labs/NAME): backend, lab time, hosts, VMs and the disk each takes; * marks this session's.")
final class LabListCommand extends ShellCommand {
    @Option(names = "--json", description = "Print one JSON document on stdout: a list of {name, directory, time, "
            + "hosts, vms, diskUsed, backend, current}.")
    boolean json;

    LabListCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        Path home = ShellHome.labs();
        List<NamedLab> labs = Labs.list(home);
        Path current = ctx.labDirectory().map(d -> d.toAbsolutePath().normalize()).orElse(null);
        if (json) {
            Json.write(labs.stream().map(l -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", l.name());
                m.put("directory", l.directory().toAbsolutePath().toString());
                m.put("time", l.time());
                m.put("hosts", l.hosts());
                m.put("vms", l.vms());
                m.put("diskUsed", l.diskUsed());
                m.put("backend", l.backend());
                m.put("current", isCurrent(l, current));
                return m;
            }).toList(), out());
        } else if (labs.isEmpty()) {
            out().println("no labs kept by name in " + home + " (hyperlab --lab NAME creates one)");
        } else {
            Table t = new Table("NAME", "BACKEND", "LAB TIME", "HOSTS", "VMS", "DISK USED");
            for (NamedLab l : labs) {
                t.row((isCurrent(l, current) ? "* " : "") + l.name(), l.backend(), Times.at(l.time()), l.hosts(),
                        l.vms(), Sizes.format(l.diskUsed()));
            }
            t.print(out(), style());
            out().println("in " + home + "; hyperlab --lab NAME opens one");
        }
        out().flush();
        return 0;
    }

    private static boolean isCurrent(NamedLab l, Path current) {
        return current != null && l.directory().toAbsolutePath().normalize().equals(current);
    }
}
