package dev.hyperlab.shell.commands.plugin;

import dev.hyperlab.shell.command.ShellCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.plugin.ExtensionRef;
import dev.hyperlab.shell.plugin.PluginView;
import dev.hyperlab.shell.render.Fields;
import dev.hyperlab.shell.render.Json;
import dev.hyperlab.shell.render.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code plugin info ID}: one plugin's descriptor, state (with the reason when faulty or refused) and extensions. */
@Command(name = "info", description = "One plugin: version, provider, api requirement, where it is installed, its "
        + "state (and why, when faulty or refused) and its extensions.")
final class PluginInfoCommand extends ShellCommand {
    @Parameters(paramLabel = "ID", description = "The plugin.", completionCandidates = LiveNames.Plugins.class)
    String id;

    @Option(names = "--json", description = "Print one JSON document on stdout.")
    boolean json;

    PluginInfoCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        PluginView p = ctx.plugins().use(s -> s.info(id));
        if (json) {
            Json.write(p, out());
        } else {
            print(p);
        }
        out().flush();
        return 0;
    }

    private void print(PluginView p) {
        new Fields()
                .add("id", p.id())
                .add("version", p.version())
                .add("state", style().state(p.state().id()))
                .add("reason", p.reason())
                .add("description", p.description())
                .add("provider", p.provider())
                .add("requires", p.requires().isEmpty() ? "any api version" : "api " + p.requires())
                .add("path", p.path())
                .print(out(), style());
        if (!p.extensions().isEmpty()) {
            out().println();
            Table t = new Table("KIND", "ID", "DESCRIPTION");
            for (ExtensionRef e : p.extensions()) {
                t.row(e.kind(), e.id(), e.description());
            }
            t.print(out(), style());
        }
    }
}
