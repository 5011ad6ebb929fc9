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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vm clone SRC NEW [--linked]}: a full copy of a stopped VM, or a linked clone on qcow2 overlays. */
@Command(name = "clone", description = {
        "Clone a stopped VM, as virt-clone does: the same definition on the same host, defined, with a full copy of "
                + "every disk in standalone qcow2 images of its own (the data as the guest sees it, read through any "
                + "backing image) and its Secure Boot keys; the source's snapshots and backups stay with the source.",
        "The copy takes lab time: the host's datastore reads and writes the data once at its sequential bandwidth, "
                + "and the rest of the lab runs on meanwhile.",
        "With --linked nothing is copied: each of the clone's disks is a thin qcow2 overlay whose backing file is the "
                + "source's disk (qemu-img create -b), written in well under a millisecond of lab time; the source then "
                + "serves as the clone's base and is not started, reverted, moved or deleted while the clone exists.",
        "Every clone gets a new identity, as virt-clone gives one: a MAC address in QEMU's 52:54:00:xx:xx:xx range, "
                + "unique in the lab and drawn from the lab's seed, and a machine id (vm info shows them)."})
final class VmClone extends ChangeCommand {
    @Parameters(index = "0", paramLabel = "SRC", description = "The VM to copy (defined, shut off or crashed).",
            completionCandidates = LiveNames.Vms.class)
    String source;

    @Parameters(index = "1", paramLabel = "NEW", description = "The clone's name.")
    String name;

    @Option(names = "--linked", description = "Make a linked clone: qcow2 overlays on the source's disks, no copy.")
    boolean linked;

    private Duration from;

    VmClone(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        from = lab.now();
        if (linked) {
            lab.vm(source).linkedCloneAs(name);
        } else {
            lab.vm(source).cloneAs(name);
        }
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        VmInfo i = lab.vm(name).info();
        String disks = i.disks().stream().map(d -> d.format() + " " + Sizes.format(d.virtualSize()))
                .collect(Collectors.joining(", "));
        out().println((dryRun ? "would clone " : "cloned ") + source + " as " + (linked ? "linked clone " : "") + name
                + " on " + i.host() + " (disks " + disks + ", mac " + i.identity().mac() + ") in "
                + Times.length(lab.now().minus(from)) + " of lab time"
                + (dryRun ? "" : " (next: vm start " + name + " --wait)"));
    }

    @Override
    protected List<String> machines() {
        return List.of(source, name);
    }
}
