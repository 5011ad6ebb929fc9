package dev.hyperlab.core.backup;

import java.io.IOException;
import dev.hyperlab.core.hostfs.FileType;
import dev.hyperlab.core.hostfs.FileSource;
import dev.hyperlab.core.hostfs.PosixException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * The paths a file backup was asked for, as a tree of names from the root: {@code /usr/share} and {@code /usr/lib}
 * give {@code / -> usr -> {lib, share}}, where {@code lib} and {@code share} are backed up whole and {@code usr} holds
 * only them. Each path is made absolute and its directories resolved (a symbolic link among them is followed, as
 * {@code realpath} does, so {@code /lib/x} on a merged-usr system is {@code /usr/lib/x}); its last name is kept as it
 * is, so a link given as a path is backed up as a link. A path inside another is covered by it.
 */
final class FileSelection {
    /** How many symbolic links resolving one path may follow: Linux's {@code MAXSYMLINKS}. */
    private static final int MAX_LINKS = 40;

    /** A name of the tree; {@code whole} when everything below it is backed up. */
    static final class Node {
        final TreeMap<byte[], Node> children = new TreeMap<>(Arrays::compareUnsigned);
        boolean whole;
    }

    private final Node root = new Node();
    private final List<String> paths = new ArrayList<>();

    private FileSelection() {}

    /**
     * The selection of {@code given} (as typed: relative to {@code cwd} unless absolute; {@code \xNN} a byte).
     *
     * @throws RepositoryException naming the first path that does not exist or cannot be resolved; another
     *     {@link IOException} when the file source itself fails (a damaged file system)
     */
    static FileSelection of(FileSource fs, List<String> given, String cwd) throws IOException {
        if (given.isEmpty()) {
            throw new RepositoryException("no paths to back up (name files or directories)");
        }
        FileSelection s = new FileSelection();
        List<List<byte[]>> resolved = new ArrayList<>();
        for (String g : given) {
            if (g == null || g.isEmpty()) {
                throw new RepositoryException("an empty path (name files or directories)");
            }
            List<byte[]> names = resolve(fs, ByteNames.parse(g.startsWith("/") ? g : cwd + "/" + g), g);
            resolved.add(names);
        }
        resolved.sort((a, b) -> Integer.compare(a.size(), b.size()));
        for (List<byte[]> names : resolved) {
            s.add(names);
        }
        return s;
    }

    private void add(List<byte[]> names) {
        Node n = root;
        for (byte[] name : names) {
            if (n.whole) {
                return; // inside a path already selected
            }
            n = n.children.computeIfAbsent(name, k -> new Node());
        }
        if (!n.whole) {
            n.whole = true;
            n.children.clear();
            paths.add(display(names));
        }
    }

    Node root() {
        return root;
    }

    /** The selected paths as {@code backup ls} shows names, sorted. */
    List<String> paths() {
        return paths.stream().sorted().toList();
    }

    static String display(List<byte[]> names) {
        return ByteNames.displayPath(names);
    }

    /**
     * The names of {@code path} from the root: {@code .} and {@code ..} applied, the directories' symbolic links
     * followed, the last name as it is; it must exist.
     */
    private static List<byte[]> resolve(FileSource fs, byte[] path, String given) throws IOException {
        List<byte[]> todo = split(path);
        List<byte[]> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            byte[] name = todo.removeFirst();
            if (Arrays.equals(name, new byte[] {'.'})) {
                continue;
            }
            if (Arrays.equals(name, new byte[] {'.', '.'})) {
                if (!done.isEmpty()) {
                    done.removeLast();
                }
                continue;
            }
            byte[] dir = join(done);
            try {
                int fd = fs.openPath(FileSource.CWD, dir, "open");
                try {
                    FileType type = fs.stat(fd, name, "stat").type();
                    if (type == FileType.SYMLINK && !todo.isEmpty()) {
                        if (++links > MAX_LINKS) {
                            throw new RepositoryException("cannot back up " + given + ": too many symbolic links");
                        }
                        byte[] target = fs.readLink(fd, name, "readlink");
                        List<byte[]> rest = split(target);
                        rest.addAll(todo);
                        todo = rest;
                        if (target.length > 0 && target[0] == '/') {
                            done.clear();
                        }
                        continue;
                    }
                    if (type != FileType.DIRECTORY && !todo.isEmpty()) {
                        throw new RepositoryException("cannot back up " + given + ": " + display(done) + "/"
                                + ByteNames.display(name) + " is not a directory");
                    }
                } finally {
                    fs.close(fd);
                }
            } catch (PosixException e) {
                throw new RepositoryException("cannot back up " + given + ": " + display(done)
                        + (done.isEmpty() ? "" : "/") + ByteNames.display(name) + ": " + e.reason());
            }
            done.add(name);
        }
        return done;
    }

    private static List<byte[]> split(byte[] path) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= path.length; i++) {
            if (i == path.length || path[i] == '/') {
                if (i > start) {
                    out.add(Arrays.copyOfRange(path, start, i));
                }
                start = i + 1;
            }
        }
        return out;
    }

    private static byte[] join(List<byte[]> names) {
        if (names.isEmpty()) {
            return new byte[] {'/'};
        }
        int n = 0;
        for (byte[] b : names) {
            n += 1 + b.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] b : names) {
            out[at++] = '/';
            System.arraycopy(b, 0, out, at, b.length);
            at += b.length;
        }
        return out;
    }
}
