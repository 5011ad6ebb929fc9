package dev.hyperlab.shell.commands.host;

import dev.hyperlab.api.lab.HostOs;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.Args;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code host install NAME --hypervisor type1|type2 [--host-os linux|windows]}. */
@Command(name = "install", description = {
        "Install a hypervisor on the host's first disk (the host must be off).",
        "type1: the firmware hands off to the hypervisor, which is the host's OS. type2: the host OS boots first, "
                + "then the hypervisor starts as an application on it."})
final class HostInstall extends ChangeCommand {
    @Parameters(paramLabel = "NAME", description = "The host.", completionCandidates = LiveNames.Hosts.class)
    String name;

    @Option(names = "--hypervisor", required = true, paramLabel = "type1|type2", description = "Hypervisor type.",
            completionCandidates = LiveNames.Hypervisors.class)
    String hypervisor;

    @Option(names = "--host-os", paramLabel = "linux|windows", description = "The host OS under a type 2 "
            + "hypervisor (default linux).", completionCandidates = LiveNames.HostOses.class)
    String hostOs;

    HostInstall(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        HypervisorType type = Args.parse("--hypervisor", hypervisor, HypervisorType::of);
        if (hostOs == null) {
            lab.host(name).install(type);
        } else {
            lab.host(name).install(type, Args.parse("--host-os", hostOs, HostOs::of));
        }
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        out().println((dryRun ? "would install " : "installed ") + HostViews.hypervisor(lab.host(name).info())
                + " on " + name + (dryRun ? "" : " (next: host power-on " + name + " --wait)"));
    }

    @Override
    protected List<String> machines() {
        return List.of(name);
    }
}
