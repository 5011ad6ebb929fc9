package dev.hyperlab.shell.commands.backup;

import dev.hyperlab.shell.render.Plural;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code backup prune --keep-last N [--repo DIR]}, as {@code restic forget --keep-last N --prune}. */
@Command(name = "prune", description = {"Forget all but the newest N backups of each VM (and of each host's file "
        + "backups of one set of paths) and remove the data only they used, repacking partly used packs. Crash-safe: killed at any moment, check passes and running it again "
        + "finishes the job. Every backup is self-contained, so forgetting one never breaks another."})
final class BackupPrune extends ChangeCommand {
    @Option(names = "--keep-last", paramLabel = "N", required = true, description = "Backups to keep per VM or set of paths (1 or more).")
    int keepLast;

    @Option(names = "--repo", paramLabel = "DIR", description = "The repository (default ~/.hyperlab/backups).")
    String repo = "";

    private dev.hyperlab.api.lab.BackupPrune done;

    BackupPrune(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        done = Repos.open(ctx, lab, repo).prune(keepLast);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        report(out(), done, dryRun, true);
    }

    /** What a prune, or a forget ({@code pruned} false: its data stays), did or would do. */
    static void report(java.io.PrintWriter out, dev.hyperlab.api.lab.BackupPrune done, boolean dryRun,
            boolean pruned) {
        out.println((dryRun ? "would forget " : "forgot ") + Plural.of(done.removedBackups().size(), "backup") + " ("
                + String.join(", ", done.removedBackups().stream().map(i -> i.substring(0, 8)).toList()) + "), keeping "
                + done.keptBackups() + (dryRun ? "" : !pruned ? "; their data stays until a prune (backup prune, or "
                + "forget --prune)" : "; removed " + Plural.of(done.blobsRemoved(), "blob") + " and "
                + Plural.of(done.packsRemoved(), "pack") + ", wrote " + Plural.of(done.packsWritten(), "pack")
                + ", freed " + Sizes.format(Math.max(0, done.bytesFreed()))));
        done.notes().forEach(n -> out.println("note: " + n));
    }

    @Override
    protected boolean settles() {
        return false;
    }
}
