package dev.hyperlab.shell.render;

import dev.hyperlab.api.lab.TimelinePhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The timeline as an SVG Gantt chart: one row per phase (and step), grouped by machine, a lab-time axis, bars
 * coloured by what bound the phase, and hover details ({@code <title>} for any viewer; the HTML page adds a richer
 * tooltip from the {@code data-*} attributes). Self-contained: no fonts, scripts or images from elsewhere.
 */
public final class TimelineSvg {
    static final int WIDTH = 1200;
    static final int ROW = 18;
    static final int TOP = 46;
    static final int CHAR = 7; // monospace 12px, approximately

    private TimelineSvg() {}

    /** The fill of each bound: the same hues as the terminal's colours. */
    static String colour(String bound) {
        return switch (bound) {
            case "cpu" -> "#e0a000";
            case "disk" -> "#3b6fd8";
            case "memory" -> "#b04fc0";
            case "network" -> "#1aa6b7";
            default -> "#9a9a9a";
        };
    }

    /** The height the chart takes for {@code phases}. */
    public static int height(List<TimelinePhase> phases) {
        return TOP + Math.max(1, phases.size()) * ROW + 30;
    }

    /** A standalone SVG document. */
    /** The Gantt as an SVG file, with the memory chart under it when there is one. */
    public static String document(List<TimelinePhase> phases, Duration now, String memoryChart) {
        String header = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
        if (memoryChart.isEmpty()) {
            return header + svg(phases, now);
        }
        int gantt = height(phases);
        int memory = Integer.parseInt(memoryChart.replaceFirst("(?s).*?height=\"(\\d+)\".*", "$1"));
        return header + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + WIDTH + "\" height=\""
                + (gantt + memory) + "\">\n" + svg(phases, now)
                + memoryChart.replaceFirst("<svg ", "<svg y=\"" + gantt + "\" ") + "</svg>\n";
    }

    /** The {@code <svg>} element (for embedding in HTML, or as a document with an XML declaration). */
    public static String svg(List<TimelinePhase> phases, Duration now) {
        Map<String, List<TimelinePhase>> byMachine = new LinkedHashMap<>();
        for (TimelinePhase p : phases) {
            byMachine.computeIfAbsent(p.machine(), k -> new ArrayList<>()).add(p);
        }
        Duration from = phases.stream().map(TimelinePhase::start).min(Duration::compareTo).orElse(Duration.ZERO);
        Duration to = phases.stream().map(p -> p.end().orElse(now)).max(Duration::compareTo).orElse(from);
        int machineChars = 4;
        int labelChars = 8;
        for (TimelinePhase p : phases) {
            machineChars = Math.max(machineChars, p.machine().length());
            labelChars = Math.max(labelChars, Math.min(34, Gantt.label(p).length()));
        }
        int labelX = 12 + (machineChars + 2) * CHAR;
        int left = labelX + labelChars * CHAR + 12;
        int chart = WIDTH - left - 20;
        long span = Math.max(1, to.minus(from).toNanos());
        int height = height(phases);

        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"gantt\" width=\"").append(WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" "
                        + "font-size=\"12\">\n");
        b.append("<style>.phase{stroke:#0003;stroke-width:0.5}.phase:hover{stroke:#000;stroke-width:1.5}"
                + ".running{stroke-dasharray:3 2;stroke:#000}.axis{stroke:#ccc}.tick{fill:#666;font-size:10px}"
                + ".machine{font-weight:bold}.label{fill:#333}.band{fill:#f4f6f8}</style>\n");
        // legend
        int lx = 12;
        b.append("<g class=\"legend\">");
        for (String bound : List.of("cpu", "disk", "memory", "network", "fixed")) {
            b.append("<rect x=\"").append(lx).append("\" y=\"8\" width=\"12\" height=\"12\" fill=\"")
                    .append(colour(bound)).append("\"/><text x=\"").append(lx + 16).append("\" y=\"18\">")
                    .append(bound).append("</text>");
            lx += 16 + bound.length() * CHAR + 18;
        }
        b.append("<text x=\"").append(lx + 10).append("\" y=\"18\" fill=\"#666\">bound by: what limited each "
                + "phase. Hover a bar for details.</text></g>\n");
        // axis
        long step = tickStep(span);
        for (long t = 0; t <= span; t += step) {
            double x = left + (double) t * chart / span;
            b.append("<line class=\"axis\" x1=\"").append(fmt(x)).append("\" y1=\"").append(TOP - 8)
                    .append("\" x2=\"").append(fmt(x)).append("\" y2=\"").append(height - 24).append("\"/>")
                    .append("<text class=\"tick\" x=\"").append(fmt(x)).append("\" y=\"").append(TOP - 12)
                    .append("\" text-anchor=\"middle\">").append(esc(Times.at(from.plusNanos(t)))).append("</text>\n");
        }
        // rows
        int row = 0;
        boolean shade = false;
        for (Map.Entry<String, List<TimelinePhase>> e : byMachine.entrySet()) {
            int y0 = TOP + row * ROW;
            if (shade) {
                b.append("<rect class=\"band\" x=\"0\" y=\"").append(y0).append("\" width=\"").append(WIDTH)
                        .append("\" height=\"").append(e.getValue().size() * ROW).append("\"/>\n");
            }
            shade = !shade;
            boolean first = true;
            for (TimelinePhase p : e.getValue()) {
                int y = TOP + row * ROW;
                if (first) {
                    b.append("<text class=\"machine\" x=\"12\" y=\"").append(y + 13).append("\">")
                            .append(esc(p.machine())).append("</text>");
                    first = false;
                }
                b.append("<text class=\"label\" x=\"").append(labelX).append("\" y=\"")
                        .append(y + 13).append("\">").append(esc(cut(Gantt.label(p)))).append("</text>");
                long s = p.start().minus(from).toNanos();
                long f = p.end().orElse(now).minus(from).toNanos();
                double x = left + (double) s * chart / span;
                double w = Math.max(2, (double) (f - s) * chart / span);
                String bound = p.boundBy().id();
                String length = Times.length(p.length(now));
                b.append("<rect class=\"phase").append(p.end().isEmpty() ? " running" : "").append("\" x=\"")
                        .append(fmt(x)).append("\" y=\"").append(y + 3).append("\" width=\"").append(fmt(w))
                        .append("\" height=\"").append(ROW - 6).append("\" fill=\"").append(colour(bound))
                        .append("\" data-machine=\"").append(esc(p.machine())).append("\" data-phase=\"")
                        .append(esc(p.phase())).append("\" data-step=\"").append(esc(p.step()))
                        .append("\" data-start=\"").append(esc(Times.at(p.start()))).append("\" data-end=\"")
                        .append(p.end().map(Times::at).map(TimelineSvg::esc).orElse("running")).append("\" data-length=\"")
                        .append(esc(length)).append("\" data-bound=\"").append(bound).append("\"><title>")
                        .append(esc(p.machine() + " " + Gantt.label(p) + ": " + length + " from " + Times.at(p.start())
                                + ", bound by " + bound))
                        .append("</title></rect>\n");
                row++;
            }
        }
        b.append("</svg>\n");
        return b.toString();
    }

    /** A round step giving 5 to 12 ticks: 1, 2 or 5 times a power of ten nanoseconds. */
    static long tickStep(long span) {
        long step = 1;
        while (span / step > 12) {
            long s2 = step * 2;
            long s5 = step * 5;
            if (span / s2 <= 12) {
                return s2;
            }
            if (span / s5 <= 12) {
                return s5;
            }
            step *= 10;
        }
        return step;
    }

    private static String cut(String s) {
        return s.length() <= 34 ? s : s.substring(0, 33) + "\u2026";
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** Escapes text for XML content and attributes. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
