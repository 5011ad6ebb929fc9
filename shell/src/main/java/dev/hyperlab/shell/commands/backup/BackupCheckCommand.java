package dev.hyperlab.shell.commands.backup;

import dev.hyperlab.shell.render.Plural;
import dev.hyperlab.api.lab.BackupCheck;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.error.ShellException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code backup check [--read-data] [--repo DIR]}, as {@code restic check}; exit status 1 on any damage. */
@Command(name = "check", description = {"Check a repository, changing nothing in it: its structure (config, index, "
        + "packs, manifests, disk maps); with --read-data also every blob's hash. Locks left by processes that are gone "
        + "are removed, as by every backup command, and named in a note.",
        "Any damage ends the command with an error (exit status 1 in batch mode) after the report, naming what is "
                + "damaged and which backups it makes unrestorable. Leftovers of interrupted runs are notes, not damage."})
final class BackupCheckCommand extends ReadCommand<BackupCheck> {
    @Option(names = "--read-data", description = "Read every blob and check its hash, not only the structure.")
    boolean readData;

    @Option(names = "--repo", paramLabel = "DIR", description = "The repository (default ~/.hyperlab/backups).")
    String repo = "";

    BackupCheckCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected BackupCheck read(Lab lab) {
        return Repos.open(ctx, lab, repo).check(readData);
    }

    @Override
    protected void print(BackupCheck c) {
        c.errors().forEach(e -> out().println("damaged: " + e));
        c.notes().forEach(n -> out().println("note: " + n));
        out().println(c.repository() + ": " + Plural.of(c.backups(), "backup") + ", " + Plural.of(c.packs(), "pack")
                + ", " + Plural.of(c.blobs(), "blob") + (c.readData() ? ", " + Sizes.format(c.bytesRead()) + " read" : "") + ": "
                + (c.ok() ? style().green("no errors were found") : style().red(Plural.of(c.errors().size(), "error"))));
    }

    @Override
    protected void conclude(BackupCheck c) {
        if (!c.ok()) {
            // A new backup does not store the damaged data again by itself: the index still lists it, so a backup
            // of the same files finds it there. Forgetting the backups that use it and pruning drops it; then it is
            // stored again (restic's advice is the same: repair or forget, then back up).
            // A lost or damaged index file comes first: its packs are intact, and forgetting backups for it would
            // throw away data that is there (restic's advice is the same: repair index, then check again).
            List<String> ids = c.damagedBackups().stream().map(id -> id.length() > 8 ? id.substring(0, 8) : id).toList();
            String named = ids.isEmpty() ? "" : ": " + String.join(", ", ids);
            String hint = c.indexNeedsRepair()
                    ? "backup repair index" + (repo.isEmpty() ? "" : " --repo " + repo) + " lists the packs again;"
                            + " then check again" + (ids.isEmpty() ? "" : " before forgetting anything")
                    : ids.isEmpty() ? "backup prune rewrites what it can"
                            : "restore what is intact; then backup forget " + String.join(" ", ids)
                            + " --prune drops the damaged data, and the next backup stores it again";
            throw new ShellException(c.repository() + " is damaged: " + Plural.of(c.errors().size(), "error") + ", "
                    + Plural.of(c.damagedBackups().size(), "backup") + " cannot be restored completely" + named,
                    hint);
        }
    }
}
