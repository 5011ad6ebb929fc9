package dev.hyperlab.shell.commands.plugin;

import dev.hyperlab.shell.command.ShellCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.plugin.PluginView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code plugin uninstall ID}: stops an installed plugin and deletes its files from the user's plugin directory, by id
 * whatever its file is named. Labs using its extensions still load; their machines cannot start until it is back.
 */
@Command(name = "uninstall", description = "Stop an installed plugin and delete it from $HYPERLAB_HOME/plugins (its file,"
        + " unpacked directory and disabled mark), by id. Labs using its extensions still load; their machines cannot"
        + " start.")
final class PluginUninstall extends ShellCommand {
    @Parameters(paramLabel = "ID", description = "The plugin.", completionCandidates = LiveNames.Plugins.class)
    String id;

    @Option(names = "--dry-run", description = "Do it on a throw-away copy of the plugin directory and print what "
            + "would happen; change nothing.")
    boolean dryRun;

    PluginUninstall(ShellContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        PluginView p = dryRun ? PluginDryRun.run(ctx, s -> s.uninstall(id)) : ctx.plugins().use(s -> s.uninstall(id));
        out().println((dryRun ? "dry run: nothing was changed; it would uninstall " : "uninstalled ") + p.id() + " "
                + p.version());
        out().flush();
        return 0;
    }
}
