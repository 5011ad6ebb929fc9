package dev.hyperlab.shell.commands.mem;

import dev.hyperlab.shell.render.Times;
import dev.hyperlab.api.lab.MemorySample;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.render.Table;
import java.util.ArrayList;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mem history [NAME...]}: memory over time, one sample per change. */
@Command(name = "history", description = "Memory over time of hosts and VMs (all when none named), one sample per "
        + "change: a host's usable and used memory, a VM's actual size and resident memory, swapped and shared.")
final class MemHistory extends ReadCommand<List<MemorySample>> {
    @Parameters(arity = "0..*", paramLabel = "NAME", description = "Hosts or VMs.",
            completionCandidates = LiveNames.Machines.class)
    List<String> names = new ArrayList<>();

    MemHistory(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected List<MemorySample> read(Lab lab) {
        return lab.memoryHistory(names);
    }

    @Override
    protected void print(List<MemorySample> samples) {
        Table t = new Table("TIME", "MACHINE", "SIZE", "USED", "SWAPPED", "SHARED").alignRight(0, 2, 3, 4, 5);
        for (MemorySample s : samples) {
            t.row(Times.at(s.time()), s.machine(), Sizes.format(s.size()), Sizes.format(s.used()),
                    Sizes.format(s.swapped()), Sizes.format(s.shared()));
        }
        t.print(out(), style());
    }
}
