package dev.hyperlab.shell.commands.mem;

import dev.hyperlab.shell.command.HelpOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code mem} group: memory overcommit, ballooning, page sharing and host swap. */
@Command(name = "mem", description = "Memory: what VMs and hosts use, balloons, page sharing, host swap, over time.",
        subcommands = {MemStat.class, MemHost.class, MemBalloon.class, MemPolicy.class, MemHistory.class})
public final class MemCommands {
    @Mixin
    HelpOption help;
}
