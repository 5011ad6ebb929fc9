package dev.hyperlab.shell.commands.mem;

import dev.hyperlab.api.lab.VmMemory;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.render.Fields;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.completion.LiveNames;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mem stat VM}: a VM's memory as the hypervisor sees it, like {@code virsh dommemstat}. */
@Command(name = "stat", description = "A VM's memory: configured, balloon target and actual size, balloon, usable, "
        + "resident, swapped, shared (bytes in --json), and major faults.")
final class MemStat extends ReadCommand<VmMemory> {
    @Parameters(paramLabel = "VM", description = "The VM.", completionCandidates = LiveNames.Vms.class)
    String name;

    MemStat(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected VmMemory read(Lab lab) {
        if (lab.findVm(name).isEmpty() && lab.findHost(name).isPresent()) {
            throw new ShellException("'" + name + "' is a host, not a VM", "mem host " + name + " shows a host's memory");
        }
        return lab.vm(name).memory();
    }

    @Override
    protected void print(VmMemory m) {
        new Fields()
                .add("configured", Sizes.format(m.configured()))
                .add("target", Sizes.format(m.target()))
                .add("actual", Sizes.format(m.actual()))
                .add("balloon", Sizes.format(m.balloon()))
                .add("usable", Sizes.format(m.usable()))
                .add("resident", Sizes.format(m.resident()))
                .add("swapped", Sizes.format(m.swapped()))
                .add("shared", Sizes.format(m.shared()))
                .add("major faults", m.majorFaults())
                .print(out(), style());
    }
}
