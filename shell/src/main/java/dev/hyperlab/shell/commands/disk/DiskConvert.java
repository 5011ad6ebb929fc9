package dev.hyperlab.shell.commands.disk;

import dev.hyperlab.api.lab.Disk;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code disk convert SRC DST [--format qcow2|raw]}. */
@Command(name = "convert", description = {
        "Copy an image into a new file, as qemu-img convert does: the backing chain is read through, so the copy "
                + "stands alone; holes and zero clusters stay sparse. The default format is qcow2 (qemu-img's is raw).",
        "Relative paths resolve against the working directory; an existing DST is never replaced."})
final class DiskConvert extends ChangeCommand {
    @Parameters(index = "0", paramLabel = "SRC", description = "The image to copy.",
            completionCandidates = LiveNames.Disks.class)
    String source;

    @Parameters(index = "1", paramLabel = "DST", description = "The new image file.")
    String target;

    @Option(names = "--format", paramLabel = "qcow2|raw", description = "Format of the copy (default qcow2).")
    String format = "";

    private Disk converted;

    DiskConvert(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        converted = lab.convertDisk(source, target, format);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        out().println((dryRun ? "would convert " : "converted ") + source + " to " + DiskViews.summary(converted.info()));
    }

    @Override
    protected boolean settles() {
        return false;
    }
}
