package dev.hyperlab.shell.commands.mem;

import dev.hyperlab.shell.command.Args;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mem balloon VM SIZE}: sets the balloon target, the VM's logical memory size (QMP's balloon). */
@Command(name = "balloon", description = {"Set a VM's balloon target: the logical memory size the guest should have "
        + "(as QMP's balloon command means it). Needs a balloon driver in the guest; the driver gets there at its own "
        + "pace. With the host's automatic ballooning on, the host's policy may move the target again later."})
final class MemBalloon extends ChangeCommand {
    @Parameters(index = "0", paramLabel = "VM", description = "The VM.", completionCandidates = LiveNames.Vms.class)
    String name;

    @Parameters(index = "1", paramLabel = "SIZE", description = "Target logical size: 8GiB, 512MiB.")
    String size;

    MemBalloon(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        lab.vm(name).setBalloonTarget(Args.size("SIZE", size));
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        var m = lab.vm(name).memory();
        out().println(name + ": balloon target " + Sizes.format(m.target()) + ", actual " + Sizes.format(m.actual()));
    }

    @Override
    protected List<String> machines() {
        return List.of(name);
    }
}
