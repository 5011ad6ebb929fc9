package dev.hyperlab.shell.commands;

import dev.hyperlab.shell.render.Plural;
import dev.hyperlab.api.lab.Host;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.TimelinePhase;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Gantt;
import dev.hyperlab.shell.render.LoadChart;
import dev.hyperlab.shell.render.MemoryChart;
import dev.hyperlab.shell.render.TimelineHtml;
import dev.hyperlab.shell.render.TimelineSvg;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code timeline [NAME...] [--json] [--svg FILE] [--html FILE]}: where the boot time went. */
@Command(name = "timeline", description = {
        "The recorded boot phases of hosts and VMs (all when no NAME is given): a Gantt chart with one row per "
                + "phase, coloured by what bound it (cpu, disk, memory, network, fixed).",
        "JSON: a list of {machine, phase, step, start, end, boundBy} (times in lab-time seconds, end null while "
                + "running). --svg and --html write a chart a browser shows, with details when hovering a phase."})
public final class TimelineCommand extends ReadCommand<List<TimelinePhase>> {
    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Hosts or VMs to show.",
            completionCandidates = LiveNames.Machines.class)
    List<String> names = new ArrayList<>();

    @Option(names = "--svg", paramLabel = "FILE", description = "Write the chart as an SVG image.")
    Path svg;

    @Option(names = "--html", paramLabel = "FILE", description = "Write a self-contained HTML page with the chart.")
    Path html;

    private Duration now;
    private String memoryChart = "";
    /** The running workloads' CPU ready over time, for the HTML page (made with the memory chart). */
    private String loadChart = "";

    TimelineCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected List<TimelinePhase> read(Lab lab) {
        now = lab.now();
        List<TimelinePhase> phases = lab.timeline(names);
        if (svg != null || html != null) {
            memoryChart = memoryChart(lab, phases);
        }
        return phases;
    }

    /**
     * The memory of the hosts shown (a named VM's host too), with their VMs' balloon sizes; the load chart of the same
     * machines is made beside it.
     */
    private String memoryChart(Lab lab, List<TimelinePhase> phases) {
        Map<String, List<String>> vmsByHost = new LinkedHashMap<>();
        if (names.isEmpty()) {
            for (Host h : lab.hosts()) {
                vmsByHost.put(h.name(), h.vms().stream().map(Vm::name).toList());
            }
        } else {
            for (String n : names) {
                if (lab.findHost(n).isPresent()) {
                    vmsByHost.putIfAbsent(n, new ArrayList<>());
                } else {
                    String host = lab.vm(n).info().host();
                    vmsByHost.computeIfAbsent(host, k -> new ArrayList<>()).add(n);
                }
            }
        }
        List<String> machines = new ArrayList<>();
        vmsByHost.forEach((h, vms) -> {
            machines.add(h);
            machines.addAll(vms);
        });
        Duration from = phases.stream().map(TimelinePhase::start).min(Duration::compareTo).orElse(Duration.ZERO);
        loadChart = LoadChart.svg(history(() -> lab.statHistory(machines)), vmsByHost, from, now);
        return MemoryChart.svg(history(() -> lab.memoryHistory(machines)), vmsByHost, from, now);
    }

    /**
     * A history for the charts beside the phases, or none where the lab keeps none (a QEMU lab keeps no memory
     * history): the phases are what was asked for, the charts are extra.
     */
    private static <T> List<T> history(Supplier<List<T>> read) {
        try {
            return read.get();
        } catch (LabException e) {
            if (e.kind() == LabException.Kind.NOT_ALLOWED) {
                return List.of();
            }
            throw e;
        }
    }

    @Override
    protected void export(List<TimelinePhase> phases) {
        if (svg != null) {
            write(svg, TimelineSvg.document(phases, now, memoryChart), phases.size());
        }
        if (html != null) {
            String title = "hyperlab timeline" + (names.isEmpty() ? "" : ": " + String.join(", ", names));
            write(html, TimelineHtml.page(title, phases, now, memoryChart, loadChart), phases.size());
        }
    }

    private void write(Path file, String content, int count) {
        // as qemu-img and restic do, the file is written where the user said, and no directory is made on the way
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new ShellException("cannot write " + file + ": directory " + parent + " does not exist",
                    "create it first");
        }
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            // the system's reason ("Is a directory", "No space left on device"), not the exception's class
            String why = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                    : e.getMessage();
            throw new ShellException("cannot write " + file + ": " + why, "check the directory and its permissions");
        }
        String msg = "wrote " + file + " (" + Plural.of(count, "phase") + ")";
        if (json) {
            output().note(msg);
        } else {
            out().println(msg);
        }
    }

    @Override
    protected void print(List<TimelinePhase> phases) {
        if (svg != null || html != null) {
            return;
        }
        Duration from = phases.stream().map(TimelinePhase::start).min(Duration::compareTo).orElse(Duration.ZERO);
        Gantt.print(phases, from, now, output());
    }
}
