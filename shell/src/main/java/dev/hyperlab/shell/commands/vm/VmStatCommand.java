package dev.hyperlab.shell.commands.vm;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmStat;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Fields;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vm stat NAME}: what a VM's workload asked of its host and what it got, like esxtop's %RDY. */
@Command(name = "stat", description = "What a VM's workload asked of its host since it last started and what it got: "
        + "CPU ready (share of the CPU it asked for that it waited for a core), disk latency now (seconds in --json), "
        + "bytes written and read, memory its guest uses.")
public final class VmStatCommand extends ReadCommand<VmStat> {
    @Parameters(paramLabel = "NAME", description = "The VM.", completionCandidates = LiveNames.Vms.class)
    String name;

    VmStatCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected VmStat read(Lab lab) {
        return lab.vm(name).stat();
    }

    @Override
    protected void print(VmStat s) {
        new Fields()
                .add("name", s.name())
                .add("state", style().state(s.state().id()))
                .add("workload", s.workload())
                .add("cpu ready", percent(s.cpuReady()))
                .add("disk latency", latency(s.diskLatency()))
                .add("disk written", Sizes.format(s.diskWritten()))
                .add("disk read", Sizes.format(s.diskRead()))
                .add("memory used", Sizes.format(s.memoryUsed()))
                .add("running", dev.hyperlab.api.lab.Durations.format(
                        java.time.Duration.ofMillis(Math.round(s.runningSeconds() * 1000))))
                .print(out(), style());
    }

    /** A share as a percentage with one decimal. */
    public static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    /** Seconds of latency in the unit that reads best (µs, ms, s). */
    public static String latency(double seconds) {
        if (seconds <= 0) {
            return "-";
        }
        if (seconds < 1e-3) {
            return String.format(Locale.ROOT, "%.0f µs", seconds * 1e6);
        }
        if (seconds < 1) {
            return String.format(Locale.ROOT, "%.2f ms", seconds * 1e3);
        }
        return String.format(Locale.ROOT, "%.2f s", seconds);
    }
}
