package dev.hyperlab.shell.commands.backup;

import dev.hyperlab.api.lab.FileEntry;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.FileEntries;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code backup ls ID [PATH] [--recursive] [--repo DIR] [--json]}, as {@code restic ls} and {@code ls -l}. */
@Command(name = "ls", description = {"The entries of a file backup at PATH (default /): a directory's entries, "
        + "everything below it with --recursive, or the entry itself. Columns as ls -l: permissions, owner/group, "
        + "links, size, modification time (UTC), path (-> a symbolic link's target).",
        "Names are shown one per line: printable UTF-8 as it is, a backslash as \\\\, any other byte (a newline, a byte "
                + "that is not UTF-8) as \\xNN; PATH and patterns are read the same way. JSON: a list of entries with "
                + "type, octal mode, user, group, ids, size, data bytes (less for a sparse file), time, target, links "
                + "and extended attribute names."})
final class BackupLs extends ReadCommand<List<FileEntry>> {
    @Parameters(index = "0", paramLabel = "ID", description = "The file backup: its id, a unique prefix, or latest (the "
            + "newest backup).")
    String id;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "Where in the backup (default /).")
    String path = "/";

    @Option(names = {"--recursive", "-r"}, description = "Everything below PATH, depth first.")
    boolean recursive;

    @Option(names = "--repo", paramLabel = "DIR", description = "The repository (default ~/.hyperlab/backups).")
    String repo = "";

    BackupLs(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected List<FileEntry> read(Lab lab) {
        return Repos.open(ctx, lab, repo).listFiles(id, path, recursive);
    }

    @Override
    protected void print(List<FileEntry> entries) {
        FileEntries.print(entries, out(), style());
    }
}
