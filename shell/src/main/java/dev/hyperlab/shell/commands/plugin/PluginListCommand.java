package dev.hyperlab.shell.commands.plugin;

import dev.hyperlab.shell.command.ShellCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.plugin.ExtensionRef;
import dev.hyperlab.shell.plugin.PluginSystem;
import dev.hyperlab.shell.plugin.PluginView;
import dev.hyperlab.shell.render.Json;
import dev.hyperlab.shell.render.Table;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code plugin list}: every installed plugin, its state and what it contributes. Plugins are not part of a lab, so
 * this reads no lab (it works, and stays quick, whatever state the lab is in).
 */
@Command(name = "list", description = "Installed plugins: id, version, state (started, disabled, faulty, refused) "
        + "and the extensions each contributes.")
final class PluginListCommand extends ShellCommand {
    @Option(names = "--json", description = "Print one JSON document on stdout: a list of {id, version, state, "
            + "extensions: [{kind, id}], ...}.")
    boolean json;

    PluginListCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        List<PluginView> plugins = ctx.plugins().use(PluginSystem::list);
        if (json) {
            Json.write(plugins, out());
        } else if (plugins.isEmpty()) {
            out().println("no plugins installed (plugin install FILE.zip adds one; they live in "
                    + ctx.plugins().installDir() + ")");
        } else {
            Table t = new Table("PLUGIN", "VERSION", "STATE", "EXTENSIONS");
            for (PluginView p : plugins) {
                t.row(p.id(), p.version(), style().state(p.state().id()), p.extensions().isEmpty() ? "-"
                        : p.extensions().stream().map(ExtensionRef::kind).distinct().map(k -> k + " "
                                + p.extensions().stream().filter(e -> e.kind().equals(k)).map(ExtensionRef::id)
                                        .collect(Collectors.joining(",")))
                                .collect(Collectors.joining("; ")));
            }
            t.print(out(), style());
            plugins.stream().filter(p -> !p.reason().isEmpty())
                    .forEach(p -> out().println(p.id() + ": " + p.reason()));
        }
        out().flush();
        return 0;
    }
}
