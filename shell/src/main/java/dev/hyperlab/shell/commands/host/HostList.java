package dev.hyperlab.shell.commands.host;

import dev.hyperlab.api.lab.Host;
import dev.hyperlab.api.lab.HostFilter;
import dev.hyperlab.api.lab.HostInfo;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Table;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code host list [--state S] [NAME-GLOB]}: the hosts. */
@Command(name = "list", description = "Every host with its state, or those in a state and whose name matches a glob "
        + "(* any run of characters, ? one; quote it in a shell). JSON: a list of host info objects.")
final class HostList extends ReadCommand<List<HostInfo>> {
    @Option(names = "--state", paramLabel = "S", description = "Only hosts in this state (running, off, ...).",
            completionCandidates = LiveNames.States.class)
    String state = "";

    @Parameters(paramLabel = "NAME-GLOB", arity = "0..1", description = "Only hosts whose name matches, e.g. 'esx*'.",
            completionCandidates = LiveNames.Hosts.class)
    String name = "";

    HostList(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected List<HostInfo> read(Lab lab) {
        return lab.hosts(new HostFilter(state, name)).stream().map(Host::info).toList();
    }

    @Override
    protected void print(List<HostInfo> hosts) {
        if (hosts.isEmpty() && !(state.isEmpty() && name.isEmpty())) {
            out().println("no host matches");
            return;
        }
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
