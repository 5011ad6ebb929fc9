package dev.hyperlab.shell.commands.disk;

import dev.hyperlab.shell.command.HelpOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code disk} group: disk image files (qcow2, raw), whether the lab uses them or not. */
@Command(name = "disk", description = "Disk images (qcow2, raw): create, inspect, check, repair, list, convert; the files inside them (ls, cat, get); sign an EFI loader.",
        subcommands = {DiskCreate.class, DiskInfoCommand.class, DiskCheckCommand.class, DiskRepairCommand.class,
                DiskList.class, DiskConvert.class, DiskLs.class, DiskCat.class, DiskGet.class, DiskSign.class})
public final class DiskCommands {
    @Mixin
    HelpOption help;
}
