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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code snapshot delete VM NAME [--children]}: QEMU's delvm; the tree follows libvirt's rules. */
@Command(name = "delete", description = {"Delete a snapshot from every disk of the VM, freeing the clusters only it "
        + "used. Its children move up to its parent (each snapshot has its own tables, so none needs another); "
        + "deleting the current snapshot makes its parent current. A running VM's disks are drained meanwhile: it "
        + "pauses while the image frees the snapshot's clusters (the snapshot phase of its timeline).",
        "In batch mode (a command file, piped commands, -c) it waits until the VM runs on, as snapshot create and "
                + "revert do, unless given --no-wait."})
final class SnapshotDelete extends ChangeCommand implements Destructive {
    @Parameters(index = "0", paramLabel = "VM", description = "The VM.", completionCandidates = LiveNames.Vms.class)
    String vm;

    @Parameters(index = "1", paramLabel = "NAME", description = "One of the VM's snapshots.",
            completionCandidates = LiveNames.Snapshots.class)
    String name;

    @Option(names = "--children", description = "Delete the snapshots below it too.")
    boolean children;

    @Mixin
    WaitOptions await;

    private List<String> deleted = List.of();
    private Wait wait = Wait.NONE;
    private Duration from;

    SnapshotDelete(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        wait = await.wait(ctx.unattended()); // as create and revert: a batch run does not leave the VM paused
        from = lab.now();
        deleted = lab.vm(vm).deleteSnapshot(name, children, wait);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        if (!dryRun) {
            out().println(vm + ": deleted " + String.join(", ", deleted));
            out().println(Outcome.vm(lab, vm, from, wait, style()));
        }
    }

    @Override
    protected List<String> machines() {
        return List.of(vm);
    }
}
