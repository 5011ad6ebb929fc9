package dev.hyperlab.shell.commands.disk;

import dev.hyperlab.api.lab.DiskCheck;
import dev.hyperlab.api.lab.DiskRepair;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.completion.LiveNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code disk repair PATH}: refcounts and COPIED flags set right, as qemu-img check -r all does. */
@Command(name = "repair", description = {
        "Repair an image's refcounts as qemu-img check -r all does: every refcount set to what the image's tables "
                + "reference (a refcount table or block that cannot be trusted is rebuilt past the end of the file), "
                + "leaked clusters given back, COPIED flags fixed, QEMU's corrupt mark cleared; then the image is "
                + "checked again. What to do when vm create --disk refused a corrupt image.",
        "Damage to the mapping tables themselves (an L2 table or data cluster past the end of the file) is refused "
                + "with nothing changed: the data they pointed to cannot be found again. The image must not be open "
                + "elsewhere (a running QEMU, qemu-io, another lab)."})
final class DiskRepairCommand extends ChangeCommand {
    @Parameters(paramLabel = "PATH", description = "The image.", completionCandidates = LiveNames.Disks.class)
    String path;

    private DiskRepair repair;

    DiskRepairCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        repair = lab.repairDisk(path);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        DiskCheck before = repair.before();
        if (before.clean()) {
            out().println(repair.path() + ": " + style().green("no errors were found") + "; nothing to repair");
            return;
        }
        String found = before.corruptions() + " corruptions, " + before.leaks() + " leaked clusters"
                + (before.checkErrors() > 0 ? ", " + before.checkErrors() + " unreadable structures" : "");
        if (dryRun) {
            out().println("would repair " + repair.path() + ": " + found + " (disk check lists them)");
            return;
        }
        out().println("repaired " + repair.path() + ": " + found
                + (repair.rebuiltRefcounts() ? " (the refcount table and blocks were rebuilt)" : ""));
        DiskCheck after = repair.after();
        if (after.clean()) {
            out().println(repair.path() + ": " + style().green("no errors were found"));
        } else if (!after.corrupt()) {
            out().println(repair.path() + ": " + style().yellow(after.leaks() + " leaked clusters") + " remain");
        } else {
            throw new ShellException(repair.path() + " is still corrupt: " + after.corruptions() + " corruptions",
                    "disk check lists them; copy the image before anything else");
        }
    }

    @Override
    protected boolean settles() {
        return false; // nothing boots: the copy has nothing to run on for
    }
}
