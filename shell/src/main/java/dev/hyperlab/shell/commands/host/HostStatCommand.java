package dev.hyperlab.shell.commands.host;

import dev.hyperlab.api.lab.HostStat;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.commands.vm.VmStatCommand;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Fields;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code host stat NAME}: its VMs' vm stat summed. */
@Command(name = "stat", description = {"Its VMs' vm stat summed: VMs running, CPU ready (share of the CPU its VMs "
        + "asked for that they waited for), disk latency now weighted by the I/O each VM asks (seconds in --json), "
        + "bytes written and read, memory its guests use, bytes their guests received and sent through their NICs "
        + "(JSON netRx, netTx).",
        "--history prints them over time: one row per 10 minutes of lab time while a workload ran on it, its VMs' "
                + "samples summed (disk latency their mean)."})
final class HostStatCommand extends ReadCommand<Object> {
    @Parameters(paramLabel = "NAME", description = "The host.", completionCandidates = LiveNames.Hosts.class)
    String name;

    @picocli.CommandLine.Option(names = "--history", description = "Its figures over time instead of now.")
    boolean history;

    HostStatCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected Object read(Lab lab) {
        return history ? lab.statHistory(java.util.List.of(lab.host(name).name())) : lab.host(name).stat();
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void print(Object o) {
        if (o instanceof java.util.List<?> rows) {
            VmStatCommand.printHistory((java.util.List<dev.hyperlab.api.lab.StatSample>) rows, out(), style());
            return;
        }
        HostStat s = (HostStat) o;
        new Fields()
                .add("name", s.name())
                .add("running", s.running())
                .add("cpu ready", VmStatCommand.percent(s.cpuReady()))
                .add("disk latency", VmStatCommand.latency(s.diskLatency()))
                .add("disk written", Sizes.format(s.diskWritten()))
                .add("disk read", Sizes.format(s.diskRead()))
                // what its guests use, not what backs them (mem host's "used"): the two differed under one label
                .add("guest memory used", Sizes.format(s.memoryUsed()))
                .add("net received", Sizes.format(s.netRx()))
                .add("net sent", Sizes.format(s.netTx()))
                .print(out(), style());
    }
}
