package dev.hyperlab.shell.render;

import dev.hyperlab.api.lab.FileEntry;
import java.io.PrintWriter;
import java.util.List;

/** Entries of a file tree (a file backup's, an image's file system) as {@code ls -l} shows them. */
public final class FileEntries {
    private FileEntries() {}

    /** Permissions, owner/group, links, size, modification time (UTC), path (-> a symbolic link's target). */
    public static void print(List<FileEntry> entries, PrintWriter out, Style style) {
        Table t = new Table("MODE", "OWNER", "LINKS", "SIZE", "MODIFIED", "PATH").alignRight(2).alignRight(3);
        for (FileEntry e : entries) {
            t.row(mode(e), (e.user().isEmpty() ? String.valueOf(e.uid()) : e.user()) + "/"
                    + (e.group().isEmpty() ? String.valueOf(e.gid()) : e.group()), String.valueOf(e.links()),
                    String.valueOf(e.size()), e.modified().substring(0, 19).replace('T', ' '),
                    e.path() + (e.target().isEmpty() ? "" : " -> " + e.target()));
        }
        t.print(out, style);
    }

    /** {@code drwxr-xr-x}, {@code -rwsr-xr-x}, as ls -l shows them. */
    public static String mode(FileEntry e) {
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
