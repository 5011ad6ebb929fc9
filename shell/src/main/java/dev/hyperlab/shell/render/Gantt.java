package dev.hyperlab.shell.render;

import dev.hyperlab.api.lab.TimelinePhase;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The timeline as a text Gantt chart: one row per phase (and step), grouped by machine, bars scaled to the width,
 * coloured by what bound the phase (distinct characters when there is no colour), the start and length beside.
 *
 * <pre>
 * lab time 0s                                                        2m 28s
 * esx1  post/platform-init      ██                            0s      6s  fixed
 *       post/memory-training     ██████████████████           6s  1m 36s  fixed
 * </pre>
 */
public final class Gantt {
    private static final int LABEL_MAX = 30;

    private Gantt() {}

    /**
     * Prints {@code phases} (sorted by start) over the window from {@code from} to the last end (or {@code now} for
     * phases still running).
     */
    public static void print(List<TimelinePhase> phases, Duration from, Duration now, Output o) {
        PrintWriter out = o.out();
        Style style = o.style();
        if (phases.isEmpty()) {
            out.println("no phases recorded yet (power on a host or start a VM, then advance)");
            return;
        }
        Map<String, List<TimelinePhase>> byMachine = new LinkedHashMap<>();
        for (TimelinePhase p : phases) {
            byMachine.computeIfAbsent(p.machine(), k -> new ArrayList<>()).add(p);
        }
        Duration to = from;
        int machineW = 0;
        int labelW = 0;
        int startW = 5;
        int lengthW = 6;
        int decimals = Times.decimals(phases.stream().map(TimelinePhase::start).toList());
        for (TimelinePhase p : phases) {
            Duration end = p.end().orElse(now);
            to = end.compareTo(to) > 0 ? end : to;
            machineW = Math.max(machineW, p.machine().length());
            labelW = Math.max(labelW, Math.min(LABEL_MAX, label(p).length()));
            startW = Math.max(startW, Times.at(p.start(), decimals).length());
            lengthW = Math.max(lengthW, length(p, now).length());
        }
        long span = Math.max(1, to.minus(from).toNanos());
        int fixed = machineW + 2 + labelW + 2 + 2 + startW + 2 + lengthW + 2 + 7;
        int barW = Math.max(10, o.columns() - fixed - 1);

        String left = "lab time " + Times.at(from);
        String right = Times.at(to);
        int pad = Math.max(1, barW - left.length() - right.length());
        out.println(" ".repeat(machineW + 2 + labelW + 2) + style.dim(left + " ".repeat(pad) + right)
                + "  " + style.bold(padLeft("START", startW)) + "  " + style.bold(padLeft("LENGTH", lengthW))
                + "  " + style.bold("BOUND"));
        for (Map.Entry<String, List<TimelinePhase>> e : byMachine.entrySet()) {
            boolean first = true;
            for (TimelinePhase p : e.getValue()) {
                String machine = first ? e.getKey() : "";
                first = false;
                long s = Math.max(0, p.start().minus(from).toNanos());
                long f = Math.max(s, p.end().orElse(now).minus(from).toNanos());
                int c0 = (int) Math.min(barW - 1, s * barW / span);
                int c1 = (int) Math.min(barW, Math.max(c0 + 1, (f * barW + span - 1) / span));
                String bound = p.boundBy().id();
                String bar = " ".repeat(c0) + style.bound(bound, String.valueOf(fill(bound, style)).repeat(c1 - c0))
                        + " ".repeat(barW - c1);
                out.println(style.bold(padRight(machine, machineW)) + "  " + padRight(cut(label(p)), labelW) + "  "
                        + bar + "  " + padLeft(Times.at(p.start(), decimals), startW) + "  " + padLeft(length(p, now), lengthW)
                        + "  " + style.bound(bound, bound));
            }
        }
        StringBuilder legend = new StringBuilder("bound by:");
        for (String b : List.of("cpu", "disk", "memory", "network", "fixed")) {
            legend.append("  ").append(style.bound(b, String.valueOf(fill(b, style)).repeat(2))).append(' ').append(b);
        }
        out.println(style.dim(legend.toString()));
    }

    /** {@code phase/step}, or the phase alone. */
    public static String label(TimelinePhase p) {
        return p.step().isEmpty() ? p.phase() : p.phase() + "/" + p.step();
    }

    private static String length(TimelinePhase p, Duration now) {
        String l = Times.length(p.length(now));
        return p.end().isPresent() ? l : l + "+";
    }

    /** The bar character: a full block in colour; without colour, one character per bound so bars stay readable. */
    static char fill(String bound, Style style) {
        if (style.ansi()) {
            return '\u2588';
        }
        return switch (bound) {
            case "cpu" -> '#';
            case "disk" -> '=';
            case "memory" -> '~';
            case "network" -> ':';
            default -> '-';
        };
    }

    private static String cut(String s) {
        return s.length() <= LABEL_MAX ? s : s.substring(0, LABEL_MAX - 1) + "\u2026";
    }

    private static String padRight(String s, int w) {
        return s + " ".repeat(Math.max(0, w - s.length()));
    }

    private static String padLeft(String s, int w) {
        return " ".repeat(Math.max(0, w - s.length())) + s;
    }
}
