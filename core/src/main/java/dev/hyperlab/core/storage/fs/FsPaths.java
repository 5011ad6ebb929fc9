package dev.hyperlab.core.storage.fs;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Paths inside a {@link FileSystem}: finding an entry by its names, as the kernel does inside the image's own root
 * (symbolic links in the way are followed, {@code ..} stops at the root, at most 40 links as Linux's ELOOP limit), and
 * walking a tree, each directory once, so that a directory linked into itself ends the walk instead of looping.
 */
public final class FsPaths {
    /** Linux's limit on links followed in one lookup (MAXSYMLINKS). */
    private static final int MAX_LINKS = 40;

    private FsPaths() {}

    /** An entry and the names that lead to it from the root. */
    public record Found(List<byte[]> path, FsNode node) {}

    /**
     * The entry at {@code names} from the root; {@code followLast} follows a final symbolic link too (as {@code cat}
     * does; {@code ls -l} does not). {@code shown} names the path in errors.
     */
    public static Found resolve(FileSystem fs, List<byte[]> names, boolean followLast, String shown) throws IOException {
        Deque<FsNode> stack = new ArrayDeque<>(); // the directories from the root down to the current one
        List<byte[]> path = new ArrayList<>();
        stack.push(fs.root());
        Deque<byte[]> todo = new ArrayDeque<>(names);
        int links = 0;
        FsNode current = stack.peek();
        while (!todo.isEmpty()) {
            byte[] name = todo.pollFirst();
            if (!current.isDirectory()) {
                throw new FsException(FsException.Reason.NOT_A_DIRECTORY, shown + ": not a directory");
            }
            if (name.length == 0 || (name.length == 1 && name[0] == '.')) continue;
            if (name.length == 2 && name[0] == '.' && name[1] == '.') {
                if (stack.size() > 1) {
                    stack.pop();
                    path.removeLast();
                }
                current = stack.peek();
                continue;
            }
            FsNode entry = null;
            for (FsNode e : fs.list(current)) {
                if (fs.matches(e.name(), name)) {
                    entry = e;
                    break;
                }
            }
            if (entry == null) throw new FsException(FsException.Reason.NO_SUCH_PATH, shown + ": no such file or directory");
            if (entry.kind() == FsNode.Kind.SYMLINK && (followLast || !todo.isEmpty())) {
                if (++links > MAX_LINKS) throw new FsException(FsException.Reason.NO_SUCH_PATH, shown + ": too many levels of symbolic links");
                List<byte[]> target = split(entry.target());
                for (int i = target.size() - 1; i >= 0; i--) todo.addFirst(target.get(i));
                if (entry.target().length > 0 && entry.target()[0] == '/') {
                    while (stack.size() > 1) stack.pop();
                    path.clear();
                    current = stack.peek();
                }
                continue;
            }
            path.add(entry.name());
            if (entry.isDirectory()) stack.push(entry);
            current = entry;
        }
        return new Found(List.copyOf(path), current);
    }

    /** The names of a path's bytes split at {@code /}, empty ones left out. */
    public static List<byte[]> split(byte[] path) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= path.length; i++) {
            if (i == path.length || path[i] == '/') {
                if (i > start) out.add(java.util.Arrays.copyOfRange(path, start, i));
                start = i + 1;
            }
        }
        return out;
    }

    /** What a walk is shown: each entry below the start with the names that lead to it from the start. */
    @FunctionalInterface
    public interface Visitor {
        void visit(List<byte[]> path, FsNode node) throws IOException;
    }

    /**
     * Visits everything below directory {@code start} as {@code ls -R} lists it: a directory's entries in the order
     * {@code order} puts them, then each subdirectory's in turn. A directory met a second time (a hard-linked directory, a loop in a damaged image) is
     * visited but not entered again.
     */
    public static void walk(FileSystem fs, FsNode start, java.util.Comparator<FsNode> order, Visitor visitor) throws IOException {
        Set<Long> entered = new HashSet<>();
        entered.add(start.ref());
        Deque<List<byte[]>> paths = new ArrayDeque<>();
        Deque<FsNode> nodes = new ArrayDeque<>();
        paths.push(List.of());
        nodes.push(start);
        while (!nodes.isEmpty()) {
            FsNode dir = nodes.pop();
            List<byte[]> at = paths.pop();
            List<FsNode> entries = new ArrayList<>(fs.list(dir));
            entries.sort(order);
            List<FsNode> subdirs = new ArrayList<>();
            for (FsNode e : entries) {
                List<byte[]> p = new ArrayList<>(at);
                p.add(e.name());
                visitor.visit(p, e);
                if (e.isDirectory() && entered.add(e.ref())) {
                    subdirs.add(e);
                }
            }
            for (int i = subdirs.size() - 1; i >= 0; i--) {
                List<byte[]> p = new ArrayList<>(at);
                p.add(subdirs.get(i).name());
                nodes.push(subdirs.get(i));
                paths.push(p);
            }
        }
    }
}
