package dev.hyperlab.shell.commands.snapshot;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code snapshot revert VM NAME}: QEMU's loadvm (or a disk-only revert), with the configuration of the snapshot. */
@Command(name = "revert", description = {"Revert a VM to a snapshot: its disks read exactly as they did then, its "
        + "configuration is the snapshot's, and it is in the state it was in. A VM that ran runs again from that very "
        + "point once its state is loaded (the revert phase); one that was stopped, or a disk-only snapshot of a "
        + "running one, is shut off. Whatever the VM was doing is abandoned. The snapshot becomes current."})
final class SnapshotRevert extends ChangeCommand {
    @Parameters(index = "0", paramLabel = "VM", description = "The VM.", completionCandidates = LiveNames.Vms.class)
    String vm;

    @Parameters(index = "1", paramLabel = "NAME", description = "One of the VM's snapshots.",
            completionCandidates = LiveNames.Snapshots.class)
    String name;

    SnapshotRevert(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        lab.vm(vm).revertTo(name);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        if (!dryRun) {
            out().println(vm + ": reverted to " + name + ", " + lab.vm(vm).state().id());
        }
    }

    @Override
    protected List<String> machines() {
        return List.of(vm);
    }
}
