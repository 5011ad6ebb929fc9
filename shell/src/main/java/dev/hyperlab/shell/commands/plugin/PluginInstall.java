package dev.hyperlab.shell.commands.plugin;

import dev.hyperlab.shell.command.ShellCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.plugin.PluginSystem;
import dev.hyperlab.shell.plugin.PluginView;
import java.nio.file.Path;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code plugin install FILE}: copies a plugin into the user's plugin directory and starts it; with {@code --upgrade},
 * replaces the installed plugin of the same id. The file is checked
 * before anything is copied (descriptor, api requirement, id), and an install that fails later is undone: a refused
 * install leaves nothing behind. With {@code --dry-run} it installs into a throw-away copy of the plugin directory.
 */
@Command(name = "install", description = "Install a PF4J plugin (.zip or .jar) into $HYPERLAB_HOME/plugins and start "
        + "it; refused, changing nothing, if it needs another api version or its ids are taken.")
final class PluginInstall extends ShellCommand {
    @Parameters(paramLabel = "FILE", description = "The plugin file: a zip (plugin.properties, lib/*.jar) or a jar.")
    Path file;

    @Option(names = "--upgrade", description = "Replace the installed plugin with this file's id, whatever either file "
            + "is named; if the new one fails, the old one stays.")
    boolean upgrade;

    @Option(names = "--dry-run", description = "Install into a throw-away copy of the plugin directory (checks, "
            + "start and all) and print what would happen; change nothing.")
    boolean dryRun;

    PluginInstall(ShellContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        String said = dryRun ? "dry run: nothing was changed; it would " : "";
        if (upgrade) {
            PluginSystem.Upgrade u = dryRun ? PluginDryRun.run(ctx, s -> s.upgrade(file))
                    : ctx.plugins().use(s -> s.upgrade(file));
            out().println(said + (dryRun ? "upgrade " : "upgraded ") + u.now().id() + " " + u.was().version() + " -> "
                    + u.now().version() + ": " + extensions(u.now()));
        } else {
            PluginView p = dryRun ? PluginDryRun.run(ctx, s -> s.install(file))
                    : ctx.plugins().use(s -> s.install(file));
            out().println(said + (dryRun ? "install " : "installed ") + p.id() + " " + p.version() + ": "
                    + extensions(p));
        }
        out().flush();
        return 0;
    }

    static String extensions(PluginView p) {
        return p.extensions().isEmpty() ? "no extensions"
                : p.extensions().stream().map(e -> e.kind() + " " + e.id()).collect(Collectors.joining(", "));
    }
}
