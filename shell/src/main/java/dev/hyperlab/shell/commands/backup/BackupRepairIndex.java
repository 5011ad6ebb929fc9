package dev.hyperlab.shell.commands.backup;

import dev.hyperlab.api.lab.BackupIndexRepair;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.Json;
import dev.hyperlab.shell.render.Plural;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code backup repair index [--repo DIR] [--json]}, as {@code restic repair index --read-all-packs}. */
@Command(name = "index", description = {"Rebuild the index from the headers of every pack, replacing all index "
        + "files: what a lost or damaged index file listed is listed again, packs that are gone are no longer listed. "
        + "No backup and no pack is removed. Crash-safe: the new index is written before the old files are removed.",
        "Run it when backup check says an index file is lost or damaged; then backup check again."})
final class BackupRepairIndex extends ChangeCommand {
    @Option(names = "--repo", paramLabel = "DIR", description = "The repository (default ~/.hyperlab/backups).")
    String repo = "";

    @Option(names = "--json", description = "Print what the repair did as one JSON document.")
    boolean json;

    private BackupIndexRepair done;

    BackupRepairIndex(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        jsonExcludesDryRun(json, "reports what was done");
        done = Repos.open(ctx, lab, repo).repairIndex();
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        if (json) {
            Json.write(done, out());
            return;
        }
        done.notes().forEach(n -> out().println("note: " + n));
        out().println((dryRun ? "would index " : "indexed ") + Plural.of(done.packs(), "pack") + " ("
                + Plural.of(done.blobs(), "blob") + ") from their headers: " + done.packsAdded() + " no index listed, "
                + done.packsCorrected() + " listed wrongly, " + done.packsDropped() + " listed but gone; "
                + (dryRun ? "would replace " : "replaced ") + Plural.of(done.indexFilesReplaced(), "index file"));
    }

    @Override
    protected boolean settles() {
        return false;
    }
}
