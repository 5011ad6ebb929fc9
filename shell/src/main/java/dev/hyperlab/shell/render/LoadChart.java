package dev.hyperlab.shell.render;

import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.StatSample;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Running workloads over time as an SVG chart to go under the memory chart: one panel per host with its CPU ready
 * (thick) and a thin line per VM, 0 to 100 %, so a person sees a noisy neighbour's arrival as the others' CPU ready
 * rising. Each sample is a point with all its figures on hover ({@code vm stat --history} prints the same).
 */
public final class LoadChart {
    private static final int PANEL = 120;
    private static final int LEFT = ChartFrame.LEFT;

    private LoadChart() {}

    /**
     * The chart for {@code samples} between {@code from} and {@code to}; empty when no workload was sampled.
     *
     * @param vmsByHost each host to draw (in order) and the VMs on it
     */
    public static String svg(List<StatSample> samples, Map<String, List<String>> vmsByHost, Duration from,
            Duration to) {
        Map<String, List<StatSample>> byMachine = ChartFrame.byMachine(samples, StatSample::machine);
        List<String> hostNames = ChartFrame.hostsWithSamples(vmsByHost, byMachine);
        if (hostNames.isEmpty()) {
            return "";
        }
        int chart = ChartFrame.CHART;
        long start = from.toNanos();
        long span = Math.max(1, to.toNanos() - start);
        StringBuilder b = ChartFrame.open("load-chart", hostNames.size(), PANEL,
                ".host{fill:none;stroke:#c0392b;stroke-width:2.5}.vm{fill:none;stroke-width:1}");
        int y0 = 20;
        for (String host : hostNames) {
            int top = ChartFrame.panel(b, host, "CPU ready: the host's VMs together (thick), each VM (thin); a point "
                    + "every 10 minutes of lab time", y0, PANEL, i -> (25 * i) + "%");
            int colour = 0;
            for (String vm : vmsByHost.get(host)) {
                List<StatSample> vs = byMachine.get(vm);
                if (vs != null) {
                    b.append(line(vs, start, span, chart, top, "vm\" stroke=\""
                            + ChartFrame.vmColour(colour++)));
                    points(b, vs, start, span, chart, top);
                }
            }
            List<StatSample> hs = byMachine.get(host);
            b.append(line(hs, start, span, chart, top, "host"));
            points(b, hs, start, span, chart, top);
            ChartFrame.timeAxis(b, top, PANEL, from, to);
            y0 += PANEL + ChartFrame.PANEL_MARGIN;
        }
        return b.append("</svg>\n").toString();
    }

    private static double x(long t, long start, long span, int chart) {
        return LEFT + (double) Math.max(0, t - start) / span * chart;
    }

    private static double y(double share, int top) {
        return top + PANEL - Math.max(0, Math.min(1, share)) * PANEL;
    }

    private static String line(List<StatSample> samples, long start, long span, int chart, int top, String cls) {
        StringBuilder p = new StringBuilder("<polyline class=\"" + cls + "\" points=\"");
        for (StatSample s : samples) {
            p.append(fmt(x(s.time().toNanos(), start, span, chart))).append(',').append(fmt(y(s.cpuReady(), top)))
                    .append(' ');
        }
        return p.append("\"/>\n").toString();
    }

    private static void points(StringBuilder b, List<StatSample> samples, long start, long span, int chart, int top) {
        for (StatSample s : samples) {
            b.append("<circle class=\"pt\" r=\"3\" cx=\"").append(fmt(x(s.time().toNanos(), start, span, chart)))
                    .append("\" cy=\"").append(fmt(y(s.cpuReady(), top))).append("\"><title>")
                    .append(TimelineSvg.esc(s.machine() + " at " + Times.at(s.time()) + "\ncpu ready "
                            + String.format(Locale.ROOT, "%.1f%%", 100 * s.cpuReady()) + "\ndisk latency "
                            + String.format(Locale.ROOT, "%.3f ms", s.diskLatency() * 1e3) + "\nwritten "
                            + Sizes.format(s.diskWritten()) + "\nmemory used " + Sizes.format(s.memoryUsed())
                            + "\nnet received " + Sizes.format(s.netRx()) + "\nnet sent " + Sizes.format(s.netTx())))
                    .append("</title></circle>\n");
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
