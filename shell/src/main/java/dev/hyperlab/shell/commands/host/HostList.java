package dev.hyperlab.shell.commands.host;

import dev.hyperlab.api.lab.Host;
import dev.hyperlab.api.lab.HostInfo;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.Table;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code host list}: every host. */
@Command(name = "list", description = "Every host with its state (JSON: a list of host info objects).")
final class HostList extends ReadCommand<List<HostInfo>> {
    HostList(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected List<HostInfo> read(Lab lab) {
        return lab.hosts().stream().map(Host::info).toList();
    }

    @Override
    protected void print(List<HostInfo> hosts) {
        if (hosts.isEmpty()) {
            out().println("no hosts yet (host create NAME --cores N --ram SIZE, or demo)");
            return;
        }
        Table t = new Table("NAME", "STATE", "CORES", "RAM", "FIRMWARE", "HYPERVISOR", "VMS", "REASON")
                .alignRight(2, 3, 6);
        for (HostInfo i : hosts) {
            t.row(i.name(), style().state(i.state().id()), i.cores(), Sizes.format(i.ram()), i.firmware(),
                    HostViews.hypervisor(i), i.vms().size(), i.reason());
        }
        t.print(out(), style());
    }
}
