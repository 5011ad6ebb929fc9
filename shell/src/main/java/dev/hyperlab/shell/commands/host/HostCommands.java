package dev.hyperlab.shell.commands.host;

import dev.hyperlab.shell.command.HelpOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code host} group: physical hosts and their hypervisors. */
@Command(name = "host", description = "Physical hosts: create, install a hypervisor, power on and off, inspect.",
        subcommands = {HostCreate.class, HostInstall.class, HostList.class, HostInfoCommand.class, HostStatCommand.class,
                HostActions.PowerOn.class, HostActions.PowerOff.class, HostActions.Reset.class, HostPolicy.class,
                HostSecureBoot.class, HostDelete.class, HostCalibrate.class, HostPreload.class,
                HostMaintenanceCommand.class})
public final class HostCommands {
    @Mixin
    HelpOption help;
}
