package dev.hyperlab.shell.commands.workload;

import dev.hyperlab.shell.command.HelpOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code workload} group: what running VMs do, built in and the lab's own. */
@Command(name = "workload", description = "What running guests do (vm set NAME --workload ID): the built-in "
        + "workloads and those the lab defines, e.g. to replace a figure docs/calibration.md labels as assumed.",
        subcommands = {WorkloadList.class, WorkloadCreate.class, WorkloadDelete.class})
public final class WorkloadCommands {
    @Mixin
    HelpOption help;
}
