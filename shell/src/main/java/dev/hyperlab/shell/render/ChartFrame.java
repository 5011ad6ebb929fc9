package dev.hyperlab.shell.render;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The frame the timeline's charts under the Gantt share ({@link MemoryChart}, {@link LoadChart}): one SVG document
 * with one panel per host, each a titled box with four grid lines labelled on the left and the time span below.
 */
final class ChartFrame {
    static final int LEFT = 90;
    /** Width of a panel's plotting area. */
    static final int CHART = TimelineSvg.WIDTH - LEFT - 30;
    /** Vertical room a panel takes beyond its own height: its title above, its time labels below. */
    static final int PANEL_MARGIN = 40;

    /** Colours of the thin per-VM lines, taken in turn within a host's panel. */
    private static final String[] VM_COLOURS = {"#6b8fd6", "#d6906b", "#7fb069", "#b08fd0", "#d0b85c", "#5fb3b3"};

    private ChartFrame() {}

    /** The samples grouped by the machine they describe, each group in the samples' order. */
    static <S> Map<String, List<S>> byMachine(List<S> samples, Function<S, String> machine) {
        Map<String, List<S>> by = new LinkedHashMap<>();
        for (S s : samples) {
            by.computeIfAbsent(machine.apply(s), k -> new ArrayList<>()).add(s);
        }
        return by;
    }

    /** The hosts to draw a panel for, in {@code vmsByHost}'s order: those with samples of their own. */
    static List<String> hostsWithSamples(Map<String, List<String>> vmsByHost, Map<String, ?> byMachine) {
        return vmsByHost.keySet().stream().filter(byMachine::containsKey).toList();
    }

    /** The colour of the {@code i}-th VM line in a panel. */
    static String vmColour(int i) {
        return VM_COLOURS[i % VM_COLOURS.length];
    }

    /** The SVG's opening tag and style for {@code panels} panels of {@code panel} pixels; {@code style} adds classes. */
    static StringBuilder open(String id, int panels, int panel, String style) {
        int width = TimelineSvg.WIDTH;
        int height = panels * (panel + PANEL_MARGIN) + 30;
        return new StringBuilder().append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"").append(id)
                .append("\" width=\"").append(width).append("\" height=\"").append(height).append("\" viewBox=\"0 0 ")
                .append(width).append(' ').append(height)
                .append("\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"11\">\n")
                .append("<style>.frame{fill:#fafbfc;stroke:#ddd}.grid{stroke:#eee}.t{fill:#666;font-size:10px}")
                .append(style).append(".pt{fill:transparent}.pt:hover{fill:#000}</style>\n");
    }

    /**
     * A host's panel at {@code y0}: its name and legend, the box and the grid, {@code label} giving the text of grid
     * line i (0 at the bottom, 4 at the top). Returns the panel's top.
     */
    static int panel(StringBuilder b, String host, String legend, int y0, int panel, IntFunction<String> label) {
        int top = y0 + 14;
        b.append("<text x=\"").append(LEFT).append("\" y=\"").append(y0 + 8).append("\" font-weight=\"bold\">")
                .append(TimelineSvg.esc(host)).append("</text><text x=\"").append(LEFT + 120).append("\" y=\"")
                .append(y0 + 8).append("\" class=\"t\">").append(TimelineSvg.esc(legend)).append("</text>\n");
        b.append("<rect class=\"frame\" x=\"").append(LEFT).append("\" y=\"").append(top).append("\" width=\"")
                .append(CHART).append("\" height=\"").append(panel).append("\"/>\n");
        for (int i = 0; i <= 4; i++) {
            int y = top + panel - i * panel / 4;
            b.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + CHART)
                    .append("\" y1=\"").append(y).append("\" y2=\"").append(y).append("\"/><text class=\"t\" x=\"")
                    .append(LEFT - 6).append("\" y=\"").append(y + 3).append("\" text-anchor=\"end\">")
                    .append(TimelineSvg.esc(label.apply(i))).append("</text>\n");
        }
        return top;
    }

    /** The span's start and end under a panel whose top is {@code top}. */
    static void timeAxis(StringBuilder b, int top, int panel, Duration from, Duration to) {
        b.append("<text class=\"t\" x=\"").append(LEFT).append("\" y=\"").append(top + panel + 12).append("\">")
                .append(TimelineSvg.esc(Times.at(from))).append("</text><text class=\"t\" x=\"").append(LEFT + CHART)
                .append("\" y=\"").append(top + panel + 12).append("\" text-anchor=\"end\">")
                .append(TimelineSvg.esc(Times.at(to))).append("</text>\n");
    }
}
