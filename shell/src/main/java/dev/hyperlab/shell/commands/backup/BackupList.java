package dev.hyperlab.shell.commands.backup;

import dev.hyperlab.api.lab.BackupInfo;
import dev.hyperlab.api.lab.BackupListing;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.Plural;
import dev.hyperlab.shell.render.Table;
import dev.hyperlab.shell.render.Times;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code backup list [--repo DIR] [--json]}, as {@code restic snapshots}. */
@Command(name = "list", description = {"The repository's backups, oldest first: id (any unique prefix of 4 digits or "
        + "more names it; latest names the last listed), source (the VM, or the host of a file backup), strategy (files "
        + "for a file backup), lab time of its consistent point (a file backup of this machine: its wall-clock time, "
        + "UTC), disks, data, bytes read and added; "
        + "HOST IMAGE marks a physical host's disk image (backup run HOST --image); FALLBACK marks an incremental "
        + "backup that had to read a disk whole (its notes say why); a file backup "
        + "shows its paths. JSON: a list of backup objects with their full ids, parents, disks, notes, and a file "
        + "backup's paths, creation time and counts. A backup whose manifest cannot be read is named on stderr and the "
        + "command fails after listing the others (backup check says what is lost)."})
final class BackupList extends ReadCommand<BackupListing> {
    @Option(names = "--repo", paramLabel = "DIR", description = "The repository (default ~/.hyperlab/backups).")
    String repo = "";

    BackupList(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected BackupListing read(Lab lab) {
        return Repos.open(ctx, lab, repo).listing();
    }

    @Override
    protected Object json(BackupListing listing) {
        return listing.backups();
    }

    @Override
    protected void print(BackupListing listing) {
        List<BackupInfo> all = listing.backups();
        if (all.isEmpty() && listing.unreadable().isEmpty()) {
            out().println("no backups in " + Repos.dir(repo) + " yet (backup run VM)");
            return;
        }
        Table t = new Table("ID", "SOURCE", "STRATEGY", "TIME", "DISKS", "DATA", "READ", "ADDED", "")
                .alignRight(3).alignRight(4).alignRight(5).alignRight(6).alignRight(7);
        for (BackupInfo b : all) {
            t.row(b.shortId(), b.vm(), b.strategy(), b.created().isEmpty() ? Times.at(b.time())
                    : b.created().substring(0, 19).replace('T', ' '), b.isFiles() ? "-" : String.valueOf(b.disks().size()),
                    Sizes.format(b.dataBytes()), Sizes.format(b.bytesRead()), Sizes.format(b.bytesAdded()),
                    (b.isHostImage() ? "HOST IMAGE" + (b.fullFallback() ? " " : "") : "")
                            + (b.fullFallback() ? "FALLBACK" : String.join(" ", b.paths())));
        }
        if (!all.isEmpty()) {
            t.print(out(), style());
        }
    }

    @Override
    protected void conclude(BackupListing listing) {
        List<String> unreadable = listing.unreadable();
        if (!unreadable.isEmpty()) {
            unreadable.forEach(u -> ctx.output().note("unreadable: " + u));
            throw new ShellException(Plural.of(unreadable.size(), "backup") + " of "
                    + (unreadable.size() + listing.backups().size()) + " in " + Repos.dir(repo) + " cannot be read",
                    "backup check says what is lost");
        }
    }
}
