package dev.hyperlab.shell.command;

import dev.hyperlab.api.lab.Host;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.TimelinePhase;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.shell.render.Gantt;
import dev.hyperlab.shell.render.Output;
import dev.hyperlab.shell.render.Table;
import dev.hyperlab.shell.render.Times;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --dry-run}: a command's change made on a throw-away copy of the lab ({@link Lab#fork()}), which then runs on
 * until no host boots and no VM has lasting work under way (a boot, a shutdown, a snapshot's pause: at most
 * {@link #HORIZON} of lab time), and the prediction printed: the
 * timeline from now and each machine whose state would change. The lab, its files and its clock are untouched.
 */
public final class DryRun {
    /** How far a dry run looks ahead at most. */
    public static final Duration HORIZON = Duration.ofHours(1);

    private DryRun() {}

    static void run(ShellContext ctx, ChangeCommand command) {
        Lab lab = ctx.lab();
        Duration t0 = lab.now();
        Map<String, String> before = states(lab);
        Lab copy = lab.fork();
        try {
            copy.onProgress(ctx.progress());
            boolean settled;
            try {
                command.apply(copy);
                settled = !command.settles() || settle(copy);
            } finally {
                ctx.endProgress();
            }
            Output o = ctx.output();
            print(command.outputIsTheCommands() ? new Output(o.err(), o.err(), o.style(), o.width(), o.terminal()) : o,
                    command, copy, t0, before, settled);
        } finally {
            copy.close();
        }
    }

    /** Runs the copy until nothing boots; false if something still boots at the horizon. */
    private static boolean settle(Lab copy) {
        Duration spent = Duration.ZERO;
        Duration step = Duration.ofSeconds(1);
        while (busy(copy)) {
            if (spent.compareTo(HORIZON) >= 0) {
                return false;
            }
            copy.advance(step);
            spent = spent.plus(step);
            step = step.multipliedBy(2).compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : step.multipliedBy(2);
        }
        return true;
    }

    private static boolean busy(Lab lab) {
        for (Host h : lab.hosts()) {
            if (h.state() == HostState.BOOTING) {
                return true;
            }
        }
        for (Vm v : lab.vms()) {
            VmState s = v.state();
            if (s == VmState.STARTING || s == VmState.PAUSED
                    || (s == VmState.RUNNING && !v.info().operation().isEmpty())) {
                return true;
            }
        }
        return false;
    }

    /** {@code host NAME} / {@code vm NAME} to state id, hosts first. */
    private static Map<String, String> states(Lab lab) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Host h : lab.hosts()) {
            out.put("host " + h.name(), h.state().id());
        }
        for (Vm v : lab.vms()) {
            out.put("vm " + v.name(), v.state().id());
        }
        return out;
    }

    private static void print(Output o, ChangeCommand command, Lab copy, Duration t0, Map<String, String> before,
            boolean settled) {
        List<TimelinePhase> phases = copy.timeline().stream()
                .filter(p -> p.end().isEmpty() || p.end().get().compareTo(t0) > 0 || p.start().compareTo(t0) >= 0)
                .toList();
        Duration end = phases.stream().map(p -> p.end().orElse(copy.now())).max(Duration::compareTo).orElse(t0);
        o.out().println(o.style().bold("dry run") + ": nothing was changed. Predicted from lab time " + Times.at(t0)
                + (phases.isEmpty() ? "" : " to " + Times.at(end))
                + (settled ? "" : " (still under way after " + Times.length(DryRun.HORIZON) + ")") + ":");
        command.report(copy, true);
        if (!phases.isEmpty()) {
            o.out().println();
            Gantt.print(phases, t0, copy.now(), o);
        }
        Map<String, String> after = states(copy);
        Set<String> keys = new LinkedHashSet<>(before.keySet());
        keys.addAll(after.keySet());
        Table t = new Table("MACHINE", "KIND", "NOW", "PREDICTED");
        for (String key : keys) {
            String name = key.substring(key.indexOf(' ') + 1);
            String was = before.getOrDefault(key, "-");
            String will = after.getOrDefault(key, "-");
            if (!was.equals(will) || command.machines().contains(name)) {
                t.row(name, key.substring(0, key.indexOf(' ')), o.style().state(was), o.style().state(will));
            }
        }
        o.out().println();
        if (t.isEmpty()) {
            o.out().println("no host or VM would change state");
        } else {
            t.print(o.out(), o.style());
        }
    }
}
