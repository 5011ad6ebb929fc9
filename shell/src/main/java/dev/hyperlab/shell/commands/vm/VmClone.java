package dev.hyperlab.shell.commands.vm;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmInfo;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Times;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vm clone SRC NEW}: a full copy of a stopped VM. */
@Command(name = "clone", description = {
        "Clone a stopped VM, as virt-clone does: the same definition on the same host, defined, with a full copy of "
                + "every disk in standalone qcow2 images of its own (the data as the guest sees it, read through any "
                + "backing image) and its Secure Boot keys; the source's snapshots and backups stay with the source.",
        "The copy takes lab time: the host's datastore reads and writes the data once at its sequential bandwidth, "
                + "and the rest of the lab runs on meanwhile."})
final class VmClone extends ChangeCommand {
    @Parameters(index = "0", paramLabel = "SRC", description = "The VM to copy (defined, shut off or crashed).",
            completionCandidates = LiveNames.Vms.class)
    String source;

    @Parameters(index = "1", paramLabel = "NEW", description = "The clone's name.")
    String name;

    private Duration from;

    VmClone(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        from = lab.now();
        lab.vm(source).cloneAs(name);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        VmInfo i = lab.vm(name).info();
        String disks = i.disks().stream().map(d -> d.format() + " " + Sizes.format(d.virtualSize()))
                .collect(Collectors.joining(", "));
        out().println((dryRun ? "would clone " : "cloned ") + source + " as " + name + " on " + i.host() + " (disks "
                + disks + ") in " + Times.length(lab.now().minus(from)) + " of lab time"
                + (dryRun ? "" : " (next: vm start " + name + " --wait)"));
    }

    @Override
    protected List<String> machines() {
        return List.of(source, name);
    }
}
