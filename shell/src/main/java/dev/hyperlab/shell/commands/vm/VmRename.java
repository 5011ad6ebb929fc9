package dev.hyperlab.shell.commands.vm;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vm rename OLD NEW}: a stopped VM's new name. */
@Command(name = "rename", description = "Rename a stopped VM, as virsh domrename does: it keeps its host, "
        + "definition, history and disk files (where they are). A VM whose snapshots hold its running state is "
        + "refused: that state names the VM.")
final class VmRename extends ChangeCommand {
    @Parameters(index = "0", paramLabel = "OLD", description = "The VM (defined, shut off or crashed).",
            completionCandidates = LiveNames.Vms.class)
    String name;

    @Parameters(index = "1", paramLabel = "NEW", description = "Its new name.")
    String newName;

    VmRename(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        lab.vm(name).rename(newName);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        out().println((dryRun ? "would rename " : "renamed ") + name + " to " + newName);
    }

    @Override
    protected List<String> machines() {
        return List.of(newName);
    }
}
