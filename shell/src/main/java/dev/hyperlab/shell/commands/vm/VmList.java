package dev.hyperlab.shell.commands.vm;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.VmFilter;
import dev.hyperlab.api.lab.VmInfo;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Table;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vm list [--host H] [--state S] [--os P] [NAME-GLOB]}: the VMs, as virsh list and govc ls filter them. */
@Command(name = "list", description = "Every VM with its state, or those on a host, in a state, of an OS profile and "
        + "whose name matches a glob (* any run of characters, ? one; quote it in a shell). JSON: a list of vm info "
        + "objects.")
final class VmList extends ReadCommand<List<VmInfo>> {
    @Option(names = "--host", paramLabel = "H", description = "Only VMs on this host.",
            completionCandidates = LiveNames.Hosts.class)
    String host = "";

    @Option(names = "--state", paramLabel = "S", description = "Only VMs in this state (running, shutoff, ...).",
            completionCandidates = LiveNames.States.class)
    String state = "";

    @Option(names = "--os", paramLabel = "PROFILE", description = "Only VMs of this OS profile.",
            completionCandidates = LiveNames.OsProfiles.class)
    String os = "";

    @Parameters(paramLabel = "NAME-GLOB", arity = "0..1", description = "Only VMs whose name matches, e.g. 'web*'.",
            completionCandidates = LiveNames.Vms.class)
    String name = "";

    VmList(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected List<VmInfo> read(Lab lab) {
        return lab.vms(new VmFilter(host, state, os, name)).stream().map(Vm::info).toList();
    }

    private boolean filtered() {
        return !(host.isEmpty() && state.isEmpty() && os.isEmpty() && name.isEmpty());
    }

    @Override
    protected void print(List<VmInfo> vms) {
        if (vms.isEmpty() && filtered()) {
            out().println("no VM matches");
            return;
        }
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
