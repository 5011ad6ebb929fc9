package dev.hyperlab.core.backup;

import dev.hyperlab.core.hostfs.FileStat;
import dev.hyperlab.core.hostfs.FileType;
import dev.hyperlab.core.hostfs.HostFs;
import dev.hyperlab.core.hostfs.PosixException;
import dev.hyperlab.core.hostfs.Xattr;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Walking a file backup's trees by path: {@code backup ls}, a restore's dry run, and a restore's target. */
final class FileListings {
    private FileListings() {}

    /** The names of {@code path} ({@code /a/b}, names as {@code backup ls} shows them); none for the root. */
    static List<byte[]> names(String path) throws RepositoryException {
        List<byte[]> names = new ArrayList<>();
        String p = path == null || path.isEmpty() ? "/" : path;
        for (String part : p.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            byte[] name = ByteNames.parse(part);
            if (FileTree.nameProblem(name) != null) {
                throw new RepositoryException("bad path " + DiskNames.quote(path) + " (names separated by /)");
            }
            names.add(name);
        }
        return names;
    }

    /** Adds to {@code out} the entries at {@code names} in the backup whose root tree is {@code root}. */
    static void list(Trees trees, ObjectId root, List<byte[]> names, boolean recursive, List<FileListing> out)
            throws IOException {
        List<TreeNode> entries = trees.load(root);
        List<byte[]> at = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            byte[] name = names.get(i);
            TreeNode e = entries.stream().filter(x -> Arrays.equals(x.name(), name)).findFirst().orElse(null);
            at.add(name);
            if (e == null) {
                throw new RepositoryException("no " + FileSelection.display(at) + " in this backup (backup ls ID"
                        + (i == 0 ? "" : " " + FileSelection.display(at.subList(0, i))) + " lists what there is)");
            }
            if (i == names.size() - 1 && e.type() != FileType.DIRECTORY) {
                out.add(listing(at, e));
                return;
            }
            if (e.type() != FileType.DIRECTORY) {
                throw new RepositoryException(FileSelection.display(at) + " is not a directory in this backup");
            }
            entries = trees.load(e.subtree());
        }
        add(trees, entries, at, recursive, out);
    }

    private static void add(Trees trees, List<TreeNode> entries, List<byte[]> at, boolean recursive,
            List<FileListing> out) throws IOException {
        for (TreeNode e : entries) {
            at.add(e.name());
            try {
                out.add(listing(at, e));
                if (recursive && e.type() == FileType.DIRECTORY && at.size() <= FileBackup.MAX_DEPTH) {
                    add(trees, trees.load(e.subtree()), at, true, out);
                }
            } finally {
                at.removeLast();
            }
        }
    }

    static FileListing listing(List<byte[]> path, TreeNode e) {
        List<String> attrs = new ArrayList<>();
        for (Xattr x : e.xattrs()) {
            attrs.add(ByteNames.display(x.name()));
        }
        return new FileListing(FileSelection.display(path), type(e.type()), e.mode(), e.uid(), e.gid(), e.user(),
                e.group(), e.size(), e.dataBytes(), e.mtimeSec(), e.mtimeNsec(),
                e.type() == FileType.SYMLINK ? ByteNames.display(e.target()) : "", e.nlink(), attrs);
    }

    /** {@code char-device} for {@code CHAR_DEVICE}. */
    static String type(FileType t) {
        return t == FileType.FILE ? "file" : t.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Counts what a restore with {@code includes} would create below tree {@code tree}: {@code counts} = files,
     * directories, others, data bytes.
     */
    static void count(Trees trees, ObjectId tree, List<byte[]> at, List<PathPattern> includes, boolean selected,
            long[] counts) throws IOException {
        for (TreeNode e : trees.load(tree)) {
            at.add(e.name());
            try {
                boolean sel = selected || includes.stream().anyMatch(p -> p.matches(at));
                if (e.type() == FileType.DIRECTORY) {
                    if (sel) {
                        counts[1]++;
                    }
                    if ((sel || includes.stream().anyMatch(p -> p.mayMatchBelow(at)))
                            && at.size() <= FileBackup.MAX_DEPTH) {
                        count(trees, e.subtree(), at, includes, sel, counts);
                    }
                } else if (sel) {
                    counts[e.type() == FileType.FILE ? 0 : 2]++;
                    counts[3] += e.dataBytes();
                }
            } finally {
                at.removeLast();
            }
        }
    }

    /**
     * Opens the directory a restore writes into, {@code target} (absolute; {@code \xNN} a byte): created when it does
     * not exist (its parent must), else it must be a directory, and empty unless {@code overwrite}.
     *
     * @throws RepositoryException when the target is in the way; nothing is created then
     */
    static int openTarget(HostFs fs, String target, boolean overwrite) throws IOException {
        byte[] t = ByteNames.parse(target);
        try {
            FileStat st = fs.stat(HostFs.CWD, t, "stat");
            if (st.type() != FileType.DIRECTORY) {
                throw new RepositoryException(target + " exists and is not a directory (restore into a new or empty"
                        + " directory)");
            }
            int fd = fs.openDirectory(HostFs.CWD, t, "open");
            if (!overwrite && !fs.list(fd, "list").isEmpty()) {
                fs.close(fd);
                throw new RepositoryException(target + " exists and is not empty (restore into a new directory, or"
                        + " write over what is there with {overwrite})");
            }
            return fd;
        } catch (PosixException e) {
            if (!e.notFound()) {
                throw new RepositoryException("cannot restore into " + target + ": " + e.reason(), e);
            }
        }
        try {
            fs.mkdir(HostFs.CWD, t, 0777, "mkdir");
            return fs.openDirectory(HostFs.CWD, t, "open");
        } catch (PosixException e) {
            throw new RepositoryException("cannot create " + target + ": " + e.reason()
                    + (e.notFound() ? " (its parent directory does not exist: create it first)" : ""), e);
        }
    }
}
