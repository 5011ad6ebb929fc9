package dev.hyperlab.shell.commands.host;

import dev.hyperlab.api.lab.HostInfo;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Fields;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code host info NAME}: one host's configuration and state. */
@Command(name = "info", description = "One host's configuration and state.")
final class HostInfoCommand extends ReadCommand<HostInfo> {
    @Parameters(paramLabel = "NAME", description = "The host.", completionCandidates = LiveNames.Hosts.class)
    String name;

    HostInfoCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected HostInfo read(Lab lab) {
        return lab.host(name).info();
    }

    @Override
    protected void print(HostInfo i) {
        new Fields()
                .add("name", i.name())
                .add("state", style().state(i.state().id()))
                .add("reason", i.reason())
                .add("maintenance", i.maintenance() ? "on (drained: no VM starts or moves here)" : "")
                .add("cpu", i.cores() + " cores at " + i.cpuGhz() + " GHz")
                .add("ram", Sizes.format(i.ram()))
                .add("firmware", i.firmware())
                .add("disks", HostViews.disks(i))
                .add("boot order", String.join(", ", i.bootOrder()))
                .add("hypervisor", HostViews.hypervisor(i))
                .add("start policy", HostViews.policy(i.startPolicy()))
                .add("vms", i.vms().isEmpty() ? "none" : String.join(", ", i.vms()))
                .print(out(), style());
    }
}
