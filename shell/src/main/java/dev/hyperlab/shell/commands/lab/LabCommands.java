package dev.hyperlab.shell.commands.lab;

import dev.hyperlab.shell.command.HelpOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code lab} group: the lab as a whole. */
@Command(name = "lab", description = "The lab as a whole: what it holds and the disk it takes, its settings, the "
        + "labs kept by name, and creating hosts and VMs from a file.",
        subcommands = {LabInfoCommand.class, LabListCommand.class, LabSetCommand.class, LabApplyCommand.class})
public final class LabCommands {
    @Mixin
    HelpOption help;
}
