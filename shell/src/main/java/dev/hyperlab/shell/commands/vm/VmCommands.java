package dev.hyperlab.shell.commands.vm;

import dev.hyperlab.shell.command.HelpOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code vm} group: virtual machines and their lifecycle. */
@Command(name = "vm", description = "Virtual machines: create, start, stop, inspect.",
        subcommands = {VmCreate.class, VmList.class, VmInfoCommand.class, VmStatCommand.class, VmStart.class, VmActions.Shutdown.class,
                VmActions.Destroy.class, VmActions.Reboot.class, VmActions.Suspend.class, VmActions.Resume.class,
                VmActions.Delete.class, VmSet.class, VmClone.class, VmMigrate.class, VmRename.class, VmConsole.class, VmSecureBoot.class})
public final class VmCommands {
    @Mixin
    HelpOption help;
}
