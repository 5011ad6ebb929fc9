package dev.hyperlab.shell.commands.backup;

import dev.hyperlab.api.lab.FileEntry;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.Table;
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
    @Parameters(index = "0", paramLabel = "ID", description = "The file backup: its id or a unique prefix.")
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
        Table t = new Table("MODE", "OWNER", "LINKS", "SIZE", "MODIFIED", "PATH").alignRight(2).alignRight(3);
        for (FileEntry e : entries) {
            t.row(mode(e), (e.user().isEmpty() ? String.valueOf(e.uid()) : e.user()) + "/"
                    + (e.group().isEmpty() ? String.valueOf(e.gid()) : e.group()), String.valueOf(e.links()),
                    String.valueOf(e.size()), e.modified().substring(0, 19).replace('T', ' '),
                    e.path() + (e.target().isEmpty() ? "" : " -> " + e.target()));
        }
        t.print(out(), style());
    }

    /** {@code drwxr-xr-x}, {@code -rwsr-xr-x}, as ls -l shows them. */
    static String mode(FileEntry e) {
        int m = Integer.parseInt(e.mode(), 8);
        char type = switch (e.type()) {
            case "directory" -> 'd';
            case "symlink" -> 'l';
            case "fifo" -> 'p';
            case "char-device" -> 'c';
            case "block-device" -> 'b';
            case "socket" -> 's';
            default -> '-';
        };
        StringBuilder b = new StringBuilder().append(type);
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            b.append((m & (0400 >> i)) != 0 ? rwx.charAt(i) : '-');
        }
        special(b, 3, (m & 04000) != 0, 's');
        special(b, 6, (m & 02000) != 0, 's');
        special(b, 9, (m & 01000) != 0, 't');
        return b.toString();
    }

    private static void special(StringBuilder b, int at, boolean set, char c) {
        if (set) {
            b.setCharAt(at, b.charAt(at) == '-' ? Character.toUpperCase(c) : c);
        }
    }
}
