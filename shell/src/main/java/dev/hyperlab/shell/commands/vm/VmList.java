package dev.hyperlab.shell.commands.vm;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.VmInfo;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.Table;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code vm list}: every VM. */
@Command(name = "list", description = "Every VM with its state (JSON: a list of vm info objects).")
final class VmList extends ReadCommand<List<VmInfo>> {
    VmList(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected List<VmInfo> read(Lab lab) {
        return lab.vms().stream().map(Vm::info).toList();
    }

    @Override
    protected void print(List<VmInfo> vms) {
        if (vms.isEmpty()) {
            out().println("no VMs yet (vm create NAME --host H --vcpus N --memory SIZE --os PROFILE)");
            return;
        }
        Table t = new Table("NAME", "HOST", "STATE", "VCPUS", "MEMORY", "OS", "FIRMWARE", "REASON").alignRight(3, 4);
        for (VmInfo i : vms) {
            t.row(i.name(), i.host(), style().state(i.state().id()), i.vcpus(), Sizes.format(i.memory()),
                    i.os().isEmpty() ? "-" : i.os(), i.firmware(), i.reason());
        }
        t.print(out(), style());
    }
}
