package dev.hyperlab.shell.commands.disk;

import dev.hyperlab.shell.render.Plural;
import dev.hyperlab.api.lab.DiskCheck;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.completion.LiveNames;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code disk check PATH}: consistency, as qemu-img check counts it; a corrupt image is an error (exit status 1). */
@Command(name = "check", description = {"Check an image's consistency as qemu-img check does, changing nothing: "
        + "corruptions (data at risk) and leaked clusters (wasted space, harmless).",
        "A corrupt image ends the command with an error (exit status 1 in batch mode) after the report, JSON included; "
                + "leaks alone do not."})
final class DiskCheckCommand extends ReadCommand<DiskCheck> {
    /** Problem lines shown in the human view; JSON has them all. */
    private static final int SHOWN = 20;

    @Parameters(paramLabel = "PATH", description = "The image.", completionCandidates = LiveNames.Disks.class)
    String path;

    DiskCheckCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected DiskCheck read(Lab lab) {
        return lab.disk(path).check();
    }

    @Override
    protected void print(DiskCheck c) {
        c.problems().stream().limit(SHOWN).forEach(p -> out().println(p));
        if (c.problems().size() > SHOWN) {
            out().println("... and " + (c.problems().size() - SHOWN) + " more (--json lists them all)");
        }
        if (c.clean()) {
            out().println(c.path() + ": " + style().green("no errors were found"));
        } else if (!c.corrupt()) {
            out().println(c.path() + ": " + style().yellow(c.leaks() + " leaked clusters")
                    + " (wasted space, no data at risk; disk repair reclaims them)");
        }
        if (c.totalClusters() > 0) {
            out().printf(Locale.ROOT, "%d/%d = %.2f%% allocated%n", c.allocatedClusters(), c.totalClusters(),
                    100.0 * c.allocatedClusters() / c.totalClusters());
        }
    }

    @Override
    protected void conclude(DiskCheck c) {
        if (c.corrupt()) {
            throw new ShellException(c.path() + " is corrupt: " + Plural.of(c.corruptions(), "corruption") + ", "
                    + Plural.of(c.leaks(), "leaked cluster")
                    + (c.checkErrors() > 0 ? ", " + Plural.of(c.checkErrors(), "unreadable structure") : ""),
                    c.problems().stream().anyMatch(p -> p.contains("past the end of the file"))
                            // disk repair refused these, after check had sent the user to it
                            ? "a table that points past the file's end cannot be repaired (disk repair, as qemu-img"
                            + " check -r all, fixes refcounts and leaks only): restore the disk from a backup"
                            : "disk repair " + c.path() + " repairs refcounts as qemu-img check -r all does; copy it"
                            + " first");
        }
    }
}
