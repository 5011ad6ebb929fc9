package dev.hyperlab.shell.commands.snapshot;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.SnapshotInfo;
import dev.hyperlab.api.lab.SnapshotOptions;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.Wait;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.Outcome;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.command.WaitOptions;
import dev.hyperlab.shell.completion.LiveNames;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code snapshot create VM NAME [--disk-only] [--description TEXT]}: QEMU's savevm, or a disk-only snapshot. */
@Command(name = "create", description = {"Snapshot every disk of a VM at once (all or none) and, when it runs, its "
        + "whole state: memory, balloon, the work in progress. A running VM pauses while its RAM in use is written "
        + "(the snapshot phase of its timeline), then goes on where it was. With guest tools (--driver guest-tools) "
        + "the guest's file systems are frozen first: the disks are application-consistent, else crash-consistent. "
        + "The new snapshot's parent is the current one; it becomes current.",
        "In batch mode (a command file, piped commands, -c) it waits until the VM runs on, as virsh's "
                + "snapshot-create-as does, unless given --no-wait."})
final class SnapshotCreate extends ChangeCommand {
    @Parameters(index = "0", paramLabel = "VM", description = "The VM.", completionCandidates = LiveNames.Vms.class)
    String vm;

    @Parameters(index = "1", paramLabel = "NAME", description = "A name new to the VM: letters, digits and . _ - + : @")
    String name;

    @Option(names = "--disk-only", description = "Snapshot the disks only, without the memory state (a revert then "
            + "leaves the VM shut off, its disks as a power cut at that moment would).")
    boolean diskOnly;

    @Option(names = "--description", paramLabel = "TEXT", description = "One line shown by snapshot list.")
    String description = "";

    @Mixin
    WaitOptions await;

    private SnapshotInfo taken;
    private Wait wait = Wait.NONE;
    private Duration from;

    SnapshotCreate(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        wait = await.wait(ctx.unattended());
        SnapshotOptions o = SnapshotOptions.DEFAULT.withDescription(description);
        from = lab.now();
        taken = lab.vm(vm).createSnapshot(name, diskOnly ? o.withDiskOnly() : o, wait);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        if (taken == null || dryRun) {
            return;
        }
        out().println(vm + ": snapshot " + taken.name() + " taken" + (taken.parent().isEmpty() ? ""
                : " after " + taken.parent()) + " ("
                + (taken.diskOnly() ? "disk-only" : "memory " + Sizes.format(taken.memory())) + ", "
                + taken.consistency().id() + "-consistent" + ")");
        out().println(Outcome.vm(lab, vm, from, wait, style()));
    }

    @Override
    protected List<String> machines() {
        return List.of(vm);
    }
}
