package dev.hyperlab.shell.commands.host;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.Destructive;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code host delete NAME}: removes a powered-off host with no VMs, and its physical disks' images. */
@Command(name = "delete", description = "Remove the host and its physical disks' images. It must be off (host "
        + "power-off) and hold no VM (vm delete them first), as a vCenter host must be emptied before it is removed.")
final class HostDelete extends ChangeCommand implements Destructive {
    @Parameters(paramLabel = "NAME", description = "The host.", completionCandidates = LiveNames.Hosts.class)
    String name;

    HostDelete(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        lab.host(name).delete();
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        out().println((dryRun ? "would delete host " : "deleted host ") + name);
    }

}
