package dev.hyperlab.shell.commands.mem;

import dev.hyperlab.api.lab.HostMemory;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.render.Fields;
import java.util.Locale;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.completion.LiveNames;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mem host HOST}: a host's memory: committed, used, free, overcommit, swapped, shared. */
@Command(name = "host", description = "A host's memory: total, usable for VMs, committed to them, used, free, "
        + "overcommit ratio, swapped, shared, and its free-memory state (high, clear, soft, hard, low).")
final class MemHost extends ReadCommand<HostMemory> {
    @Parameters(paramLabel = "HOST", description = "The host.", completionCandidates = LiveNames.Hosts.class)
    String name;

    MemHost(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected HostMemory read(Lab lab) {
        if (lab.findHost(name).isEmpty() && lab.findVm(name).isPresent()) {
            throw new ShellException("'" + name + "' is a VM, not a host", "mem stat " + name + " shows a VM's memory");
        }
        return lab.host(name).memory();
    }

    @Override
    protected void print(HostMemory m) {
        new Fields()
                .add("total", Sizes.format(m.total()))
                .add("usable", Sizes.format(m.usable()))
                .add("committed", Sizes.format(m.committed()))
                .add("used", Sizes.format(m.used()))
                .add("free", Sizes.format(m.free()))
                .add("overcommit", String.format(Locale.ROOT, "%.2fx", m.overcommitRatio()))
                .add("swapped", Sizes.format(m.swapped()) + " of " + Sizes.format(m.swapTotal()))
                .add("shared", Sizes.format(m.shared()))
                .add("state", m.state())
                .print(out(), style());
    }
}
