package dev.hyperlab.shell.render;

import dev.hyperlab.api.lab.MemorySample;
import dev.hyperlab.api.lab.Sizes;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Memory over time as an SVG chart to go under the Gantt: one panel per host with its usable memory (dashed), what
 * is used, swapped and saved by sharing, and a thin line per VM for its logical (ballooned) size, so a person sees
 * balloons inflate while VMs boot. Each sample is a point with its values on hover.
 */
public final class MemoryChart {
    static final int PANEL = 150;
    static final int LEFT = ChartFrame.LEFT;

    private MemoryChart() {}

    /**
     * The chart for {@code samples} between {@code from} and {@code to}; empty when there is nothing to draw.
     *
     * @param vmsByHost each host to draw (in order) and the VMs on it
     */
    public static String svg(List<MemorySample> samples, Map<String, List<String>> vmsByHost, Duration from,
            Duration to) {
        Map<String, List<MemorySample>> byMachine = ChartFrame.byMachine(samples, MemorySample::machine);
        List<String> hostNames = ChartFrame.hostsWithSamples(vmsByHost, byMachine);
        if (hostNames.isEmpty()) {
            return "";
        }
        int chart = ChartFrame.CHART;
        long start = from.toNanos();
        long span = Math.max(1, to.toNanos() - start);
        StringBuilder b = ChartFrame.open("memory-chart", hostNames.size(), PANEL,
                ".used{fill:#4a7bd044;stroke:#4a7bd0;stroke-width:1.5}.usable{stroke:#444;"
                        + "stroke-dasharray:5 3;fill:none}.swapped{stroke:#d04a4a;stroke-width:2;fill:none}"
                        + ".shared{stroke:#3a9a55;stroke-width:1.5;fill:none}.vm{fill:none;stroke-width:1;"
                        + "stroke-opacity:0.8}");
        int y0 = 20;
        for (String host : hostNames) {
            List<MemorySample> hs = byMachine.get(host);
            long max = 1;
            for (MemorySample s : hs) {
                max = Math.max(max, Math.max(s.size(), s.used() + s.swapped()));
            }
            final long top = max;
            int panelTop = ChartFrame.panel(b, host, "used (blue) against usable (dashed), swapped (red), "
                    + "saved by sharing (green), VMs' actual sizes (thin)", y0, PANEL, i -> Sizes.format(top * i / 4));
            Scale sc = new Scale(LEFT, chart, start, span, panelTop, PANEL, top);
            b.append(area(hs, sc)).append(line(hs, sc, "usable", MemorySample::size))
                    .append(line(hs, sc, "swapped", MemorySample::swapped))
                    .append(line(hs, sc, "shared", MemorySample::shared));
            int colour = 0;
            for (String vm : vmsByHost.get(host)) {
                List<MemorySample> vs = byMachine.get(vm);
                if (vs == null) {
                    continue;
                }
                b.append(line(vs, sc, "vm\" data-vm=\"" + TimelineSvg.esc(vm) + "\" stroke=\""
                        + ChartFrame.vmColour(colour++), MemorySample::size));
            }
            for (MemorySample s : hs) {
                b.append("<circle class=\"pt\" r=\"3\" cx=\"").append(fmt(sc.x(s.time().toNanos()))).append("\" cy=\"")
                        .append(fmt(sc.y(s.used()))).append("\"><title>").append(TimelineSvg.esc(host + " at "
                                + Times.at(s.time()) + "\nused " + Sizes.format(s.used()) + " of " + Sizes.format(s.size())
                                + "\nswapped " + Sizes.format(s.swapped()) + "\nsaved by sharing "
                                + Sizes.format(s.shared()))).append("</title></circle>\n");
            }
            ChartFrame.timeAxis(b, panelTop, PANEL, from, to);
            y0 += PANEL + ChartFrame.PANEL_MARGIN;
        }
        return b.append("</svg>\n").toString();
    }

    private record Scale(int left, int width, long start, long span, int top, int height, long max) {
        double x(long t) {
            return left + (double) (Math.max(0, t - start)) / span * width;
        }

        double y(long bytes) {
            return top + height - (double) bytes / max * height;
        }
    }

    interface Value {
        long of(MemorySample s);
    }

    /** A step line: a value holds until the next sample, then jumps. */
    private static String line(List<MemorySample> samples, Scale sc, String cls, Value v) {
        StringBuilder p = new StringBuilder("<polyline class=\"" + cls + "\" points=\"");
        double prevY = Double.NaN;
        for (MemorySample s : samples) {
            double x = sc.x(s.time().toNanos());
            double y = sc.y(v.of(s));
            if (!Double.isNaN(prevY)) {
                p.append(fmt(x)).append(',').append(fmt(prevY)).append(' ');
            }
            p.append(fmt(x)).append(',').append(fmt(y)).append(' ');
            prevY = y;
        }
        p.append(fmt(sc.left + sc.width)).append(',').append(fmt(prevY)).append("\"/>\n");
        return p.toString();
    }

    /** Used memory as a filled step area. */
    private static String area(List<MemorySample> samples, Scale sc) {
        String l = line(samples, sc, "used", MemorySample::used);
        String pts = l.substring(l.indexOf("points=\"") + 8, l.lastIndexOf('"'));
        double x0 = sc.x(samples.getFirst().time().toNanos());
        String base = fmt(sc.top + sc.height);
        return "<polygon class=\"used\" points=\"" + fmt(x0) + ',' + base + ' ' + pts + ' '
                + fmt(sc.left + sc.width) + ',' + base + "\"/>\n";
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
