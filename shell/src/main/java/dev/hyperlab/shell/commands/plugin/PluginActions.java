package dev.hyperlab.shell.commands.plugin;

import dev.hyperlab.shell.command.ShellCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.plugin.PluginSystem;
import dev.hyperlab.shell.plugin.PluginView;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code plugin enable ID} and {@code plugin disable ID}. Both are remembered across sessions (PF4J's
 * {@code disabled.txt}); neither changes a lab: a lab whose machines use a disabled plugin's extensions still loads,
 * and starting such a machine is refused with the plugin's name.
 */
final class PluginActions {
    private PluginActions() {}

    /** A verb on one plugin. */
    abstract static class Action extends ShellCommand {
        @Parameters(paramLabel = "ID", description = "The plugin.", completionCandidates = LiveNames.Plugins.class)
        String id;

        @Option(names = "--dry-run", description = "Do it on a throw-away copy of the plugin directory and print what "
                + "would happen; change nothing.")
        boolean dryRun;

        private final BiFunction<PluginSystem, String, PluginView> verb;

        Action(ShellContext ctx, BiFunction<PluginSystem, String, PluginView> verb) {
            super(ctx);
            this.verb = verb;
        }

        @Override
        public Integer call() {
            PluginView p = dryRun ? PluginDryRun.run(ctx, s -> verb.apply(s, id))
                    : ctx.plugins().use(s -> verb.apply(s, id));
            out().println((dryRun ? "dry run: nothing was changed; it would leave " : "") + p.id() + " " + p.state().id()
                    + (p.reason().isEmpty() ? "" : ": " + p.reason()));
            out().flush();
            return 0;
        }
    }

    @Command(name = "enable", description = "Start a disabled plugin, or give a faulty one another chance (its calls "
            + "go to it again, on a new thread).")
    static final class Enable extends Action {
        Enable(ShellContext ctx) {
            super(ctx, PluginSystem::enable);
        }
    }

    @Command(name = "disable", description = "Stop a plugin and take its extensions out of the catalogue, for this "
            + "session and the next. Labs using them still load; their machines cannot start until it is enabled.")
    static final class Disable extends Action {
        Disable(ShellContext ctx) {
            super(ctx, PluginSystem::disable);
        }
    }
}
