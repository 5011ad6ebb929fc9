package dev.hyperlab.shell.commands.backup;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code backup forget ID... [--prune] [--repo DIR]}, as {@code restic forget ID... [--prune]}. */
@Command(name = "forget", description = {"Forget the backups named (any unique prefix of 4 digits or more, or latest), damaged ones "
        + "too: the way to drop a backup that backup check reports unreadable. Their data stays until a prune; with "
        + "--prune it is removed now, in prune's crash-safe steps. Every backup is self-contained, so forgetting one "
        + "never breaks another; the next incremental backup of its VM reads the disks whole if it was the last."})
final class BackupForget extends ChangeCommand {
    @Parameters(paramLabel = "ID", arity = "1..*", description = "Backups to forget.")
    List<String> ids;

    @Option(names = "--prune", description = "Also remove the data only these backups used.")
    boolean prune;

    @Option(names = "--repo", paramLabel = "DIR", description = "The repository (default ~/.hyperlab/backups).")
    String repo = "";

    private dev.hyperlab.api.lab.BackupPrune done;

    BackupForget(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        done = Repos.open(ctx, lab, repo).forget(ids, prune);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        BackupPrune.report(out(), done, dryRun, prune);
    }

    @Override
    protected boolean settles() {
        return false;
    }
}
