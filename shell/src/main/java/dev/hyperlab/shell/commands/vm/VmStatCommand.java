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

/** {@code vm stat NAME [--history]}: what a VM's workload asked of its host and what it got, like esxtop's %RDY. */
@Command(name = "stat", description = {"What a VM's workload asked of its host since it last started and what it got: "
        + "CPU ready (share of the CPU it asked for that it waited for a core), disk latency now (seconds in --json), "
        + "bytes written and read, memory its guest uses, bytes its guest received and sent through its NIC (JSON "
        + "netRx, netTx).",
        "--history prints the same figures over time, as sar does: one row per 10 minutes of lab time while its "
                + "workload ran (CPU ready over each interval); JSON: a list of {machine, time, cpuReady, diskLatency, "
                + "diskWritten, memoryUsed}."})
public final class VmStatCommand extends ReadCommand<Object> {
    @Parameters(paramLabel = "NAME", description = "The VM.", completionCandidates = LiveNames.Vms.class)
    String name;

    @picocli.CommandLine.Option(names = "--history", description = "Its figures over time instead of its totals.")
    boolean history;

    VmStatCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected Object read(Lab lab) {
        return history ? lab.statHistory(java.util.List.of(lab.vm(name).name())) : lab.vm(name).stat();
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void print(Object o) {
        if (o instanceof java.util.List<?> rows) {
            printHistory((java.util.List<dev.hyperlab.api.lab.StatSample>) rows, out(), style());
            return;
        }
        VmStat s = (VmStat) o;
        new Fields()
                .add("name", s.name())
                .add("state", style().state(s.state().id()))
                .add("workload", s.workload())
                .add("cpu ready", percent(s.cpuReady()))
                .add("disk latency", latency(s.diskLatency()))
                .add("disk written", Sizes.format(s.diskWritten()))
                .add("disk read", Sizes.format(s.diskRead()))
                .add("memory used", Sizes.format(s.memoryUsed()))
                .add("net received", Sizes.format(s.netRx()))
                .add("net sent", Sizes.format(s.netTx()))
                .add("running", dev.hyperlab.api.lab.Durations.format(
                        java.time.Duration.ofMillis(Math.round(s.runningSeconds() * 1000))))
                .print(out(), style());
    }

    /** Samples as a table, one row each, as {@code sar} prints them; a line saying so when there are none. */
    public static void printHistory(java.util.List<dev.hyperlab.api.lab.StatSample> rows, java.io.PrintWriter out,
            dev.hyperlab.shell.render.Style style) {
        if (rows.isEmpty()) {
            out.println("no samples: a running workload is sampled every 10 minutes of lab time (vm set NAME "
                    + "--workload ID; advance)");
            return;
        }
        dev.hyperlab.shell.render.Table t = new dev.hyperlab.shell.render.Table("TIME", "MACHINE", "CPU READY",
                "DISK LATENCY", "WRITTEN", "MEMORY USED", "NET RX", "NET TX");
        for (dev.hyperlab.api.lab.StatSample s : rows) {
            t.row(dev.hyperlab.api.lab.Durations.format(s.time()), s.machine(), percent(s.cpuReady()),
                    latency(s.diskLatency()), Sizes.format(s.diskWritten()), Sizes.format(s.memoryUsed()),
                    Sizes.format(s.netRx()), Sizes.format(s.netTx()));
        }
        t.print(out, style);
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
