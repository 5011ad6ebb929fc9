package dev.hyperlab.shell.commands.vm;

import dev.hyperlab.api.lab.Durations;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.api.lab.Wait;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.command.WaitOptions;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Table;
import dev.hyperlab.shell.render.Times;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vm start NAME... [--wait]}: asks the hypervisors to start VMs (subject to their start policies). */
@Command(name = "start", description = "Ask the host's hypervisor to start the VMs, all at once (a boot storm "
        + "when there are many); the host's start policy decides the order. The host must be running.")
final class VmStart extends ChangeCommand {
    @Parameters(paramLabel = "NAME", arity = "0..*", description = "The VMs.",
            completionCandidates = LiveNames.Vms.class)
    List<String> names = new ArrayList<>();

    @Option(names = "--all", description = "Every VM that is not running or starting.")
    boolean all;

    @Mixin
    WaitOptions await;

    private Duration from;
    private Wait wait = Wait.NONE;
    private List<String> started = List.of();
    /** VMs that did not start (refused, crashed, still booting at the timeout), and why, in start order. */
    private final Map<String, String> failed = new LinkedHashMap<>();

    VmStart(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        failed.clear(); // the instance serves every vm start of the session: picocli resets only its options
        wait = await.wait(false);
        List<Vm> vms = new ArrayList<>();
        if (all) {
            lab.vms().stream().filter(v -> v.state() != VmState.RUNNING && v.state() != VmState.STARTING)
                    .forEach(vms::add);
        }
        for (String n : names) {
            vms.add(lab.vm(n)); // every name is checked before anything starts
        }
        if (vms.isEmpty()) {
            throw new ShellException("vm start: no VM to start", all ? "every VM is running or starting"
                    : "name the VMs, or give --all");
        }
        from = lab.now();
        started = vms.stream().map(Vm::name).distinct().toList();
        lab.startVms(started); // all or none, one save: a boot storm of a thousand VMs starts at once
        if (wait.waits()) {
            Duration deadline = from.plus(wait.timeout()); // one timeout for them all: they boot side by side
            for (String n : started) {
                Duration left = deadline.minus(lab.now());
                try {
                    lab.vm(n).waitFor(VmState.RUNNING, left.isNegative() ? Duration.ZERO : left);
                } catch (LabException e) {
                    if (started.size() == 1 || e.kind() == LabException.Kind.CANCELLED
                            || e.kind() == LabException.Kind.IO) {
                        throw e; // its own error, hint and all; a Ctrl-C or a failing save ends the whole wait
                    }
                    // the others are still waited for and reported: a storm's outcome is every VM's, as virsh and
                    // PowerCLI report each (this ended the command at the first crash, with no table)
                    failed.put(n, e.kind() == LabException.Kind.TIMEOUT ? "still " + lab.vm(n).state().id()
                            + " after " + Durations.format(wait.timeout()) : e.getMessage());
                }
            }
        } else {
            for (String n : started) {
                Vm v = lab.vm(n);
                if (v.state() != VmState.STARTING && v.state() != VmState.RUNNING
                        && v.info().reason().startsWith("start refused")) {
                    failed.put(n, v.info().reason()); // refused at once: said now, not left for vm list to tell
                }
            }
        }
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        if (dryRun) {
            return;
        }
        if (!wait.waits()) {
            List<String> starting = started.stream().filter(n -> !failed.containsKey(n)).toList();
            if (!starting.isEmpty()) {
                out().println("starting: " + String.join(", ", starting) + " (vm list shows their states, timeline "
                        + "their boots)");
            }
            failIfAny("refused");
            return;
        }
        Table t = new Table("VM", "STATE", "BOOT TIME").alignRight(2);
        for (String n : started) {
            Duration end = lab.timeline(List.of(n)).stream().filter(p -> p.start().compareTo(from) >= 0)
                    .map(p -> p.end().orElse(lab.now())).max(Duration::compareTo).orElse(from);
            t.row(n, style().state(lab.vm(n).state().id()), Times.length(end.minus(from)));
        }
        t.print(out(), style());
        out().println("lab time " + Times.at(lab.now()) + " (timeline " + String.join(" ", started.size() > 4
                ? started.subList(0, 4) : started) + (started.size() > 4 ? " ..." : "") + " shows where the time went)");
        failIfAny("did not start");
    }

    /** Ends the command with one error naming each VM that did not start, after what did was reported. */
    private void failIfAny(String what) {
        if (failed.isEmpty()) {
            return;
        }
        List<String> each = new ArrayList<>();
        failed.forEach((n, why) -> each.add(why.startsWith("VM " + n) ? why : "VM " + n + ": " + why));
        String first = failed.keySet().iterator().next();
        throw new ShellException((started.size() == 1 ? "" : failed.size() + " of " + started.size() + " VMs "
                + what + ": ") + String.join("; ", each), what.equals("refused")
                        ? "free room on its host, or start it on another host: vm migrate " + first + " --to HOST"
                        : "vm info " + first + " says why, timeline " + first + " how far it got");
    }

    @Override
    protected List<String> machines() {
        return names;
    }
}
