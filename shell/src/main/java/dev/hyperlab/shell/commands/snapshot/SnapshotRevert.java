package dev.hyperlab.shell.commands.snapshot;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Wait;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.Destructive;
import dev.hyperlab.shell.command.Outcome;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.command.WaitOptions;
import dev.hyperlab.shell.completion.LiveNames;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code snapshot revert VM NAME}: QEMU's loadvm (or a disk-only revert), with the configuration of the snapshot. */
@Command(name = "revert", description = {"Revert a VM to a snapshot: its disks read exactly as they did then, its "
        + "configuration is the snapshot's, and it is in the state it was in. A VM that ran runs again from that very "
        + "point once its state is loaded (the revert phase); one that was stopped, or a disk-only snapshot of a "
        + "running one, is shut off. Whatever the VM was doing is abandoned. The snapshot becomes current.",
        "In batch mode (a command file, piped commands, -c) it waits until the state is loaded, as virsh's "
                + "snapshot-revert does, unless given --no-wait."})
final class SnapshotRevert extends ChangeCommand implements Destructive {
    @Parameters(index = "0", paramLabel = "VM", description = "The VM.", completionCandidates = LiveNames.Vms.class)
    String vm;

    @Parameters(index = "1", paramLabel = "NAME", description = "One of the VM's snapshots.",
            completionCandidates = LiveNames.Snapshots.class)
    String name;

    @Mixin
    WaitOptions await;

    private Wait wait = Wait.NONE;
    private Duration from;

    SnapshotRevert(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        wait = await.wait(ctx.unattended());
        from = lab.now();
        lab.vm(vm).revertTo(name, wait);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        if (!dryRun) {
            out().println(vm + ": reverted to " + name);
            out().println(Outcome.vm(lab, vm, from, wait, style()));
        }
    }

    @Override
    protected List<String> machines() {
        return List.of(vm);
    }
}
