package dev.hyperlab.shell.commands.snapshot;

import dev.hyperlab.shell.command.HelpOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code snapshot} group: a VM's snapshots (disks, memory state, configuration) as a tree. */
@Command(name = "snapshot", description = "Snapshots of a VM: every disk at once, with its memory state when it runs; "
        + "kept as a tree; revert brings the VM back as it was (docs/snapshots.md).",
        subcommands = {SnapshotCreate.class, SnapshotList.class, SnapshotRevert.class, SnapshotDelete.class})
public final class SnapshotCommands {
    @Mixin
    HelpOption help;
}
