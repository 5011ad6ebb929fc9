package dev.hyperlab.shell.commands.plugin;

import dev.hyperlab.shell.command.HelpOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code plugin} group: PF4J plugins that add firmware models, guest drivers and backup strategies. */
@Command(name = "plugin", description = "Plugins (PF4J zips or jars) that add firmware models, guest drivers and "
        + "backup strategies: list, inspect, install, enable, disable.",
        subcommands = {PluginListCommand.class, PluginInfoCommand.class, PluginInstall.class, PluginUninstall.class,
                PluginActions.Enable.class, PluginActions.Disable.class})
public final class PluginCommands {
    @Mixin
    HelpOption help;
}
