package dev.hyperlab.shell.commands.backup;

import dev.hyperlab.shell.command.HelpOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The {@code backup} group: a repository outside the lab that VM backups outlive the VMs in, and that backs up files
 * of the machine hyperlab runs on.
 */
@Command(name = "backup", description = "Back VMs up into a repository (a directory: deduplicated, compressed, "
        + "optionally encrypted) and restore them, to a file or as a new VM that boots; back up files of this machine "
        + "into the same repository and restore them (docs/backup.md). Without --repo the repository is "
        + "~/.hyperlab/backups ($HYPERLAB_HOME/backups).",
        subcommands = {BackupInit.class, BackupRunCommand.class, BackupFilesCommand.class, BackupList.class,
            BackupLs.class, BackupDiff.class, BackupRestoreCommand.class, BackupCheckCommand.class, BackupForget.class,
            BackupPrune.class, BackupRepair.class, BackupCopyCommand.class})
public final class BackupCommands {
    @Mixin
    HelpOption help;
}
