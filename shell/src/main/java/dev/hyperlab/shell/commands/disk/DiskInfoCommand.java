package dev.hyperlab.shell.commands.disk;

import dev.hyperlab.api.lab.DiskInfo;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Fields;
import dev.hyperlab.shell.render.Times;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code disk info PATH}: format, sizes, backing chain, snapshots, bitmaps, and what the lab uses it for. */
@Command(name = "info", description = {"An image's format, virtual size, allocated bytes, backing chain, internal "
        + "snapshots and dirty bitmaps, as qemu-img info reports them, and what the lab uses it for.",
        "JSON: virtualSize, clusterSize, backingFile and snapshots agree with qemu-img info --output=json's "
                + "virtual-size, cluster-size, backing-filename and snapshots."})
final class DiskInfoCommand extends ReadCommand<DiskInfo> {
    @Parameters(paramLabel = "PATH", description = "The image (any qcow2 or raw file).",
            completionCandidates = LiveNames.Disks.class)
    String path;

    DiskInfoCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected DiskInfo read(Lab lab) {
        return lab.disk(path).info();
    }

    @Override
    protected void print(DiskInfo i) {
        new Fields()
                .add("path", i.path())
                .add("format", i.format())
                .add("virtual size", Sizes.format(i.virtualSize()) + " (" + i.virtualSize() + " bytes)")
                .add("allocated", Sizes.format(i.actualSize()))
                .add("cluster size", i.clusterSize() == 0 ? "" : Sizes.format(i.clusterSize()))
                .add("backing file", i.backingFile().isEmpty() ? "" : i.backingFile()
                        + (i.backingFormat().isEmpty() ? "" : " (" + i.backingFormat() + ")"))
                .add("backing chain", i.backingChain().stream()
                        .map(b -> b.path() + " (" + b.format() + ", " + Sizes.format(b.virtualSize()) + ")")
                        .collect(Collectors.joining(" -> ")))
                .add("snapshots", i.snapshots().isEmpty() ? "none" : i.snapshots().stream()
                        .map(s -> s.id() + " " + s.name() + (s.vmStateSize() > 0
                                ? " (with " + Sizes.format(s.vmStateSize()) + " of VM state)" : " (disk only)")
                                + " at " + Times.at(s.date()))
                        .collect(Collectors.joining("; ")))
                .add("bitmaps", i.bitmaps().isEmpty() ? "none" : i.bitmaps().stream()
                        .map(b -> b.name() + " (" + Sizes.format(b.granularity()) + " per bit, "
                                + (b.inUse() ? "inconsistent: not closed cleanly" : b.enabled() ? "recording" : "off")
                                + ")")
                        .collect(Collectors.joining(", ")))
                .add("dirty", i.dirty() ? "yes: refcounts are repaired when it is next opened for writing" : "")
                .add("corrupt", i.corrupt() ? style().red("yes: marked corrupt (disk check " + i.path() + ")") : "")
                .add("role", i.role())
                .add("used by", String.join(", ", i.usedBy()))
                .print(out(), style());
    }
}
