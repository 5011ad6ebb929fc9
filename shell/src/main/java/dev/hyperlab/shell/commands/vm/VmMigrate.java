package dev.hyperlab.shell.commands.vm;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Times;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vm migrate NAME --to HOST}: an offline migration of a stopped VM. */
@Command(name = "migrate", description = {
        "Move a stopped VM to another host, as Proxmox's qm migrate of a stopped VM on local storage does: its disks' "
                + "data goes from its host's datastore to the other's (the lab's clock runs on for the copy, at the slower "
                + "disk's bandwidth), and it starts there from then on.",
        "The destination must run a hypervisor and have the VM's cores and memory. Live migration of a running VM "
                + "is not modelled yet."})
final class VmMigrate extends ChangeCommand {
    @Parameters(paramLabel = "NAME", description = "The VM (defined, shut off or crashed).",
            completionCandidates = LiveNames.Vms.class)
    String name;

    @Option(names = "--to", required = true, paramLabel = "HOST", description = "The host it moves to.",
            completionCandidates = LiveNames.Hosts.class)
    String host;

    private Duration from;
    private String was;

    VmMigrate(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        from = lab.now();
        was = lab.vm(name).info().host();
        lab.vm(name).migrate(host);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        out().println((dryRun ? "would migrate " : "migrated ") + name + " from " + was + " to " + host + " in "
                + Times.length(lab.now().minus(from)) + " of lab time (offline: its disks copied)");
    }

    @Override
    protected List<String> machines() {
        return List.of(name);
    }
}
