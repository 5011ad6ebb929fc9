package dev.hyperlab.shell.commands.backup;

import dev.hyperlab.shell.command.HelpOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code backup repair} group, as {@code restic repair}: mends a repository that check reports damaged. */
@Command(name = "repair", description = "Mend a repository that backup check reports damaged, without forgetting "
        + "backups.", subcommands = {BackupRepairIndex.class})
final class BackupRepair {
    @Mixin
    HelpOption help;
}
