package dev.hyperlab.shell.render;

import dev.hyperlab.api.lab.TimelinePhase;
import java.time.Duration;
import java.util.List;

/**
 * The timeline as a self-contained HTML page: the SVG Gantt chart with a tooltip per phase (machine, phase, step,
 * start, end, length, bound), then the hosts' memory over time ({@code <section id="memory">}, see
 * {@link MemoryChart}), the running workloads' CPU ready over time ({@code <section id="load">}, see
 * {@link LoadChart}), then the phases as a table.
 */
public final class TimelineHtml {
    private TimelineHtml() {}

    public static String page(String title, List<TimelinePhase> phases, Duration now, String memoryChart) {
        return page(title, phases, now, memoryChart, "");
    }

    /** The page with the running workloads' CPU ready over time under the memory ({@link LoadChart}). */
    public static String page(String title, List<TimelinePhase> phases, Duration now, String memoryChart,
            String loadChart) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(TimelineSvg.esc(title)).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222}\n")
                .append("h1{font-size:20px;margin:0 0 4px}p.sub{color:#666;margin:0 0 16px}\n")
                .append("#chart{overflow-x:auto;border:1px solid #ddd;border-radius:6px;padding:4px;background:#fff}\n")
                .append("#tip{position:fixed;pointer-events:none;display:none;background:#222;color:#fff;padding:6px 9px;"
                        + "border-radius:4px;font:12px/1.45 monospace;white-space:pre;z-index:10}\n")
                .append("table{border-collapse:collapse;font:12px monospace;margin-top:8px}"
                        + "td,th{padding:2px 10px;text-align:left;border-bottom:1px solid #eee}\n")
                .append("section{margin-top:18px}\n</style>\n</head>\n<body>\n<h1>")
                .append(TimelineSvg.esc(title)).append("</h1>\n<p class=\"sub\">")
                .append(Plural.of(phases.size(), "phase")).append(", lab time ").append(TimelineSvg.esc(Times.at(now)))
                .append(". Bars are coloured by what bound each phase; hover one for its details.</p>\n")
                .append("<div id=\"chart\">\n").append(TimelineSvg.svg(phases, now)).append("</div>\n")
                .append("<section id=\"memory\">").append(memoryChart.isEmpty() ? ""
                        : "<h2 style=\"font-size:16px\">Memory over time</h2>\n<div id=\"memchart\">" + memoryChart
                                + "</div>").append("</section>\n")
                .append("<section id=\"load\">").append(loadChart.isEmpty() ? ""
                        : "<h2 style=\"font-size:16px\">Load over time</h2>\n<div id=\"loadchart\">" + loadChart
                                + "</div>").append("</section>\n")
                .append("<section><details><summary>All phases as a table</summary>\n<table>\n<tr><th>machine</th>"
                        + "<th>phase</th><th>step</th><th>start</th><th>end</th><th>length</th><th>bound by</th></tr>\n");
        for (TimelinePhase p : phases) {
            b.append("<tr><td>").append(TimelineSvg.esc(p.machine())).append("</td><td>")
                    .append(TimelineSvg.esc(p.phase())).append("</td><td>").append(TimelineSvg.esc(p.step()))
                    .append("</td><td>").append(TimelineSvg.esc(Times.at(p.start()))).append("</td><td>")
                    .append(p.end().map(Times::at).map(TimelineSvg::esc).orElse("running")).append("</td><td>")
                    .append(TimelineSvg.esc(Times.length(p.length(now)))).append("</td><td>")
                    .append(p.boundBy().id()).append("</td></tr>\n");
        }
        b.append("</table></details></section>\n<div id=\"tip\"></div>\n<script>\n")
                .append("(function(){var tip=document.getElementById('tip');\n")
                .append("document.querySelectorAll('#gantt .phase').forEach(function(r){\n")
                .append(" r.addEventListener('mousemove',function(e){var d=r.dataset;\n")
                .append("  tip.textContent=d.machine+'  '+d.phase+(d.step?' / '+d.step:'')+'\\nstart   '+d.start+"
                        + "'\\nend     '+d.end+'\\nlength  '+d.length+'\\nbound   '+d.bound;\n")
                .append("  tip.style.display='block';tip.style.left=(e.clientX+14)+'px';tip.style.top=(e.clientY+14)+'px';});\n")
                .append(" r.addEventListener('mouseleave',function(){tip.style.display='none';});\n")
                .append("});})();\n</script>\n</body>\n</html>\n");
        return b.toString();
    }
}
