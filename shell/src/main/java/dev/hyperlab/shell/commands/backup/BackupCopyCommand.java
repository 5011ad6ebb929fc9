package dev.hyperlab.shell.commands.backup;

import dev.hyperlab.api.lab.BackupCopy;
import dev.hyperlab.api.lab.Backups;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.Plural;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code backup copy --from REPO --to REPO [ID...]}, as {@code restic copy}. */
@Command(name = "copy", description = {"Copy backups (all, or the IDs given) from one repository to another: a "
        + "directory or an s3: location on either side. Blobs the target has are skipped, the rest re-encrypted under "
        + "the target's key; backups it has already are not copied again. Interrupted, the target stays whole and "
        + "running the copy again completes it.",
        "Passwords: $HYPERLAB_FROM_PASSWORD for the source and $HYPERLAB_PASSWORD for the target, else typed."})
final class BackupCopyCommand extends ChangeCommand {
    @Option(names = "--from", paramLabel = "REPO", required = true, description = "The repository to copy from.")
    String from;

    @Option(names = "--to", paramLabel = "REPO", required = true, description = "The repository to copy to.")
    String to;

    @Parameters(paramLabel = "ID", arity = "0..*", description = "Backups to copy (any unique prefix of 4 digits or "
            + "more, or latest); all when none is given.")
    List<String> ids = new ArrayList<>();

    private BackupCopy done;

    BackupCopyCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        Backups source = Repos.open(ctx, lab, from, "HYPERLAB_FROM_PASSWORD");
        Backups target = Repos.open(ctx, lab, to);
        done = source.copy(target, ids);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        int copied = 0;
        for (BackupCopy.Copied c : done.backups()) {
            String id = c.id().substring(0, 8);
            if (dryRun) {
                out().println("would copy " + id);
            } else if (c.existed()) {
                out().println(id + " is in " + done.to() + " already, as " + c.targetId().substring(0, 8));
            } else {
                out().println("copied " + id + " as " + c.targetId().substring(0, 8));
                copied++;
            }
        }
        if (!dryRun) {
            out().println("copied " + Plural.of(copied, "backup") + " from " + done.from() + " to " + done.to() + ": "
                    + Plural.of(done.blobsCopied(), "blob") + ", " + Sizes.format(done.bytesCopied()) + " in "
                    + Plural.of(done.packsWritten(), "pack"));
        }
        done.notes().forEach(n -> out().println("note: " + n));
    }

    @Override
    protected boolean settles() {
        return false;
    }
}
