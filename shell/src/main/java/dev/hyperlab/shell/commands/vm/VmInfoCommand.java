package dev.hyperlab.shell.commands.vm;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmInfo;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Fields;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vm info NAME}: one VM's configuration and state. */
@Command(name = "info", description = "One VM's configuration and state.")
final class VmInfoCommand extends ReadCommand<VmInfo> {
    @Parameters(paramLabel = "NAME", description = "The VM.", completionCandidates = LiveNames.Vms.class)
    String name;

    VmInfoCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected VmInfo read(Lab lab) {
        return lab.vm(name).info();
    }

    @Override
    protected void print(VmInfo i) {
        new Fields()
                .add("name", i.name())
                .add("host", i.host())
                .add("state", style().state(i.state().id()))
                .add("operation", i.operation().isEmpty() ? "" : i.operation() + " under way")
                .add("reason", i.reason())
                .add("vcpus", i.vcpus())
                .add("memory", Sizes.format(i.memory()))
                .add("hot-add", HotPlugRoom.room(i))
                .add("firmware", i.firmware())
                .add("os", i.os().isEmpty() ? "none" : i.os())
                .add("disks", i.disks().isEmpty() ? "none" : i.disks().stream()
                        .map(d -> d.path() + " (" + d.format() + ", " + Sizes.format(d.virtualSize()) + ")")
                        .collect(Collectors.joining(", ")))
                .add("drivers", i.drivers().isEmpty() ? "none" : String.join(", ", i.drivers()))
                .add("boot priority", i.bootPriority())
                .add("autostart", i.autostart() ? "on" : "off")
                .add("workload", i.workload())
                .add("mac", i.identity().mac())
                .add("machine id", i.identity().machineId())
                .add("linked to", i.identity().linkedTo())
                .add("resources", ResourceOptions.describe(i.resources()))
                .print(out(), style());
    }
}
