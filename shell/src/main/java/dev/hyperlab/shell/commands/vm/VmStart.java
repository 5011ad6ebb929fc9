package dev.hyperlab.shell.commands.vm;

import dev.hyperlab.api.lab.Lab;
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
import java.util.List;
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

    VmStart(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
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
            for (Vm v : vms) {
                Duration left = deadline.minus(lab.now());
                v.waitFor(VmState.RUNNING, left.isNegative() ? Duration.ZERO : left);
            }
        }
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        if (dryRun) {
            return;
        }
        if (!wait.waits()) {
            out().println("starting: " + String.join(", ", started) + " (vm list shows their states, timeline "
                    + "their boots)");
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
    }

    @Override
    protected List<String> machines() {
        return names;
    }
}
