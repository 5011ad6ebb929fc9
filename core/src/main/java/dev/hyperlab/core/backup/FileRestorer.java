package dev.hyperlab.core.backup;

import dev.hyperlab.core.hostfs.FileStat;
import dev.hyperlab.core.hostfs.FileType;
import dev.hyperlab.core.hostfs.HostFs;
import dev.hyperlab.core.hostfs.PosixException;
import dev.hyperlab.core.hostfs.Xattr;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Restores a file backup into a directory. The walk (this thread) creates every directory, link and special file and
 * creates each regular file empty; one worker per core then writes the file's pieces (every blob verified against its
 * id first), sets its length (holes stay holes), owner, permissions, extended attributes and times, and closes it. A
 * directory gets its owner, permissions, attributes and times once its entries exist.
 *
 * <p><b>Nothing is written outside the target.</b> Every name comes from a tree, and a tree whose names are not single
 * path components is refused when it is read ({@link FileTree}); the check is made again here before a name is used.
 * Every file is created relative to its directory's descriptor ({@code openat}, {@code mkdirat}, {@code symlinkat},
 * ...) with {@code O_NOFOLLOW} and {@code O_EXCL}, and directories are entered with {@code O_NOFOLLOW}, so a
 * symbolic link (one the backup restores, or one already in the target) is never followed: a restored link can point
 * anywhere, but nothing is written through it. Hard links are made only to files this restore created.
 */
final class FileRestorer {
    /** Files handed to the workers and not yet written: bounds open descriptors and memory. */
    private static final int QUEUE = 64;

    private record Job(int fd, TreeNode node, String where) {}

    private static final Job STOP = new Job(-1, null, "");

    /** A directory of the backup being restored; opened (created) only once something in it is restored. */
    private static final class Dir {
        final Dir parent;
        final byte[] name;
        final TreeNode node;
        int fd = -1;

        Dir(Dir parent, byte[] name, TreeNode node) {
            this.parent = parent;
            this.name = name;
            this.node = node;
        }
    }

    private record Inode(long dev, long ino) {}

    private final RepositoryIndex index;
    private final BlobReader reader;
    private final Trees trees;
    private final List<PathPattern> includes;
    private final boolean overwrite;
    private final HostFs fs;
    private final List<byte[]> path = new ArrayList<>();
    private final Map<Inode, List<byte[]>> linked = new HashMap<>();
    private final List<String> damaged = new ArrayList<>();
    private final Map<String, Integer> refused = new TreeMap<>();
    private final AtomicLong bytesWritten = new AtomicLong();
    /** The target directory: the top of the walk, never closed here. */
    private final Dir top = new Dir(null, new byte[0], null);
    private volatile boolean chown = true;
    private volatile IOException failure;
    private long files;
    private long directories;
    private long others;
    private long links;

    FileRestorer(HostFs fs, RepositoryIndex index, BlobReader reader, Trees trees, List<PathPattern> includes,
            boolean overwrite) {
        this.fs = fs;
        this.index = index;
        this.reader = reader;
        this.trees = trees;
        this.includes = List.copyOf(includes);
        this.overwrite = overwrite;
    }

    /**
     * Restores the tree {@code root} of backup {@code backupId} into open directory {@code target} ({@code shown} in
     * messages).
     *
     * @throws IOException when the target cannot be written (full disk, I/O error): what was written stays
     */
    FileRestoreResult restore(String backupId, ObjectId root, int target, String shown) throws IOException {
        BlockingQueue<Job> queue = new ArrayBlockingQueue<>(QUEUE);
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < cores; i++) {
            Thread t = new Thread(() -> work(queue), "restore-files-" + (i + 1));
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        try {
            top.fd = target;
            List<TreeNode> entries = trees.load(root);
            restoreDir(top, entries, includes.isEmpty(), queue);
        } finally {
            for (int i = 0; i < workers.size(); i++) {
                put(queue, STOP);
            }
            for (Thread t : workers) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("restore interrupted");
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        List<String> warnings = new ArrayList<>();
        if (!chown) {
            warnings.add("owners and groups were not restored: changing them needs root (the files belong to the user"
                    + " who restored them)");
        }
        refused.forEach((what, n) -> warnings.add(what + (n > 1 ? " (" + n + " times)" : "")));
        List<String> dmg;
        synchronized (damaged) {
            dmg = new ArrayList<>(damaged);
        }
        dmg.sort(null);
        return new FileRestoreResult(backupId, shown, files, directories, others, links, bytesWritten.get(), dmg,
                warnings);
    }

    // ---- the walk -------------------------------------------------------------------------------------------------

    private void restoreDir(Dir dir, List<TreeNode> entries, boolean selected, BlockingQueue<Job> queue)
            throws IOException {
        for (TreeNode e : entries) {
            if (failure != null) {
                throw failure;
            }
            String bad = FileTree.nameProblem(e.name());
            if (bad != null) { // refused when the tree was read; checked again on its own besides
                damage(where() + "/" + ByteNames.quote(e.name()) + ": refused, the name " + bad);
                continue;
            }
            path.add(e.name());
            try {
                boolean sel = selected || matches();
                switch (e.type()) {
                    case DIRECTORY -> directory(dir, e, sel, queue);
                    case FILE -> {
                        if (sel) {
                            file(open(dir), e, queue);
                        }
                    }
                    default -> {
                        if (sel) {
                            special(open(dir), e);
                        }
                    }
                }
            } finally {
                path.removeLast();
            }
        }
    }

    private void directory(Dir parent, TreeNode e, boolean sel, BlockingQueue<Job> queue) throws IOException {
        if (!sel && !mayMatchBelow()) {
            return;
        }
        if (path.size() > FileBackup.MAX_DEPTH) {
            damage(where() + ": deeper than " + FileBackup.MAX_DEPTH + " directories; not restored");
            return;
        }
        List<TreeNode> sub;
        try {
            sub = trees.load(e.subtree());
        } catch (RepositoryException x) {
            damage(where() + ": its contents cannot be restored: " + x.getMessage());
            sub = List.of();
        }
        Dir d = new Dir(parent, e.name(), e);
        if (sel) {
            open(d);
        }
        restoreDir(d, sub, sel, queue);
        if (d.fd >= 0) {
            String where = where();
            try {
                owner(d.fd, e);
                fs.chmod(d.fd, e.mode(), "chmod");
                xattrs(d.fd, e);
                fs.setTimes(d.fd, e.mtimeSec(), e.mtimeNsec(), e.mtimeSec(), e.mtimeNsec(), "utimes");
            } catch (PosixException x) {
                throw new IOException(where + ": " + x.reason(), x);
            } finally {
                fs.close(d.fd);
                d.fd = -1;
            }
        }
    }

    /** The descriptor of {@code d}, creating it (and the directories above it) first. */
    private int open(Dir d) throws IOException {
        if (d.fd >= 0) {
            return d.fd;
        }
        int parent = open(d.parent);
        String where = FileSelection.display(namesOf(d));
        try {
            fs.mkdir(parent, d.name, 0700, "mkdir");
        } catch (PosixException e) {
            if (!e.exists() || !overwrite) {
                throw new IOException(where + ": " + e.reason(), e);
            }
        }
        try {
            d.fd = fs.openDirectory(parent, d.name, "open");
        } catch (PosixException e) {
            if (!overwrite) {
                throw new IOException(where + ": " + e.reason(), e);
            }
            // something else is in the way (a file, a link): replaced, never followed
            try {
                fs.unlink(parent, d.name, false, "unlink");
                fs.mkdir(parent, d.name, 0700, "mkdir");
                d.fd = fs.openDirectory(parent, d.name, "open");
            } catch (PosixException x) {
                throw new IOException(where + ": " + x.reason(), x);
            }
        }
        directories++;
        return d.fd;
    }

    private static List<byte[]> namesOf(Dir d) {
        List<byte[]> names = new ArrayList<>();
        for (Dir x = d; x.parent != null; x = x.parent) {
            names.addFirst(x.name);
        }
        return names;
    }

    private void file(int dir, TreeNode e, BlockingQueue<Job> queue) throws IOException {
        String where = where();
        Inode inode = new Inode(e.dev(), e.ino());
        if (e.nlink() > 1) {
            List<byte[]> first = linked.get(inode);
            if (first != null && link(first, dir, e, where)) {
                return;
            }
        }
        int fd;
        try {
            fd = create(dir, e, where, () -> fs.createFile(dir, e.name(), 0600, "create"));
        } catch (PosixException x) {
            throw new IOException(where + ": " + x.reason(), x);
        }
        if (fd < 0) {
            return;
        }
        files++;
        if (e.nlink() > 1) {
            linked.putIfAbsent(inode, List.copyOf(path));
        }
        put(queue, new Job(fd, e, where));
    }

    /** Makes {@code e} a hard link to the file restored at {@code first}; false when that is not possible. */
    private boolean link(List<byte[]> first, int dir, TreeNode e, String where) {
        List<Integer> opened = new ArrayList<>();
        try {
            // the first name's directories, entered one by one from the target without following links
            int at = top.fd;
            for (int i = 0; i < first.size() - 1; i++) {
                at = fs.openDirectory(at, first.get(i), "open");
                opened.add(at);
            }
            int from = at;
            if (create(dir, e, where, () -> {
                fs.link(from, first.getLast(), dir, e.name(), "link");
                return 0;
            }) >= 0) {
                links++;
            }
            return true;
        } catch (PosixException x) {
            return false; // written as a file of its own instead
        } finally {
            for (int fd : opened) {
                fs.close(fd);
            }
        }
    }

    private void special(int dir, TreeNode e) throws IOException {
        String where = where();
        try {
            int made = create(dir, e, where, () -> {
                if (e.type() == FileType.SYMLINK) {
                    fs.symlink(e.target(), dir, e.name(), "symlink");
                } else {
                    fs.mknod(dir, e.name(), e.type(), 0600, e.rdev(), "mknod");
                }
                return 0;
            });
            if (made < 0) {
                return;
            }
        } catch (PosixException x) {
            if (x.denied() && e.type() != FileType.SYMLINK) {
                refuse(kind(e.type()) + "s were not restored: creating them needs root");
                return;
            }
            throw new IOException(where + ": " + x.reason(), x);
        }
        others++;
        try {
            if (chown) {
                try {
                    fs.chownAt(dir, e.name(), e.uid(), e.gid(), "chown");
                } catch (PosixException x) {
                    chownFailed(x);
                }
            }
            if (e.type() != FileType.SYMLINK) {
                fs.chmodAt(dir, e.name(), e.mode(), "chmod");
            }
            for (Xattr x : e.xattrs()) {
                try {
                    fs.setXattrAt(dir, e.name(), x.name(), x.value(), "setxattr");
                } catch (PosixException p) {
                    xattrFailed(x, p);
                }
            }
            fs.setTimesAt(dir, e.name(), e.mtimeSec(), e.mtimeNsec(), e.mtimeSec(), e.mtimeNsec(), "utimes");
        } catch (PosixException x) {
            throw new IOException(where + ": " + x.reason(), x);
        }
    }

    @FunctionalInterface
    private interface Creation {
        int make() throws PosixException;
    }

    /**
     * Creates an entry with {@code how}; when something is in the way and overwrite was asked for, removes it (not a
     * directory: that is left, with a warning, and -1 returned) and tries once more.
     */
    private int create(int dir, TreeNode e, String where, Creation how) throws PosixException {
        try {
            return how.make();
        } catch (PosixException x) {
            if (!x.exists() || !overwrite) {
                throw x;
            }
        }
        FileStat st = fs.stat(dir, e.name(), "stat");
        if (st.type() == FileType.DIRECTORY) {
            refuse(where + " is a directory in the target, left as it is (the backup has a " + kind(e.type())
                    + " there)");
            return -1;
        }
        fs.unlink(dir, e.name(), false, "unlink");
        return how.make();
    }

    // ---- the workers ----------------------------------------------------------------------------------------------

    private void work(BlockingQueue<Job> queue) {
        try (HostFs own = HostFs.open()) {
            BlobReader.Buffers buffers = new BlobReader.Buffers();
            while (true) {
                Job job = queue.take();
                if (job == STOP) {
                    return;
                }
                try {
                    if (failure == null) {
                        write(own, job, buffers);
                    }
                } catch (IOException x) {
                    synchronized (this) {
                        if (failure == null) {
                            failure = x;
                        }
                    }
                } finally {
                    own.close(job.fd());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            synchronized (this) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
    }

    /** Writes a file's pieces, then its length, owner, permissions, attributes and times. */
    private void write(HostFs own, Job job, BlobReader.Buffers buffers) throws IOException {
        TreeNode e = job.node();
        try {
            for (Piece p : e.content()) {
                var loc = index.get(p.blob());
                String problem = null;
                if (loc.isEmpty()) {
                    problem = "blob " + p.blob().shortHex() + " is missing: no index lists it";
                } else if (loc.get().type() != BlobType.DATA || p.length() > loc.get().rawLength()) {
                    problem = "blob " + p.blob().shortHex() + " is not the data the tree says";
                } else {
                    try {
                        reader.read(p.blob(), loc.get(), buffers);
                    } catch (RepositoryException x) {
                        problem = x.getMessage();
                    }
                }
                if (problem != null) {
                    damage(job.where() + " bytes " + p.offset() + "+" + p.length() + ": " + problem);
                    continue;
                }
                own.write(job.fd(), p.offset(), buffers.out(), 0, p.length(), "write");
                bytesWritten.addAndGet(p.length());
            }
            own.truncate(job.fd(), e.size(), "truncate");
            if (chown) {
                try {
                    own.chown(job.fd(), e.uid(), e.gid(), "chown");
                } catch (PosixException x) {
                    chownFailed(x);
                }
            }
            own.chmod(job.fd(), e.mode(), "chmod");
            for (Xattr x : e.xattrs()) {
                try {
                    own.setXattr(job.fd(), x.name(), x.value(), "setxattr");
                } catch (PosixException p) {
                    xattrFailed(x, p);
                }
            }
            own.setTimes(job.fd(), e.mtimeSec(), e.mtimeNsec(), e.mtimeSec(), e.mtimeNsec(), "utimes");
        } catch (PosixException x) {
            throw new IOException(job.where() + ": " + x.reason(), x);
        }
    }

    // ---- metadata and messages ------------------------------------------------------------------------------------

    private void owner(int fd, TreeNode e) throws PosixException {
        if (!chown) {
            return;
        }
        try {
            fs.chown(fd, e.uid(), e.gid(), "chown");
        } catch (PosixException x) {
            chownFailed(x);
        }
    }

    private void xattrs(int fd, TreeNode e) {
        for (Xattr x : e.xattrs()) {
            try {
                fs.setXattr(fd, x.name(), x.value(), "setxattr");
            } catch (PosixException p) {
                xattrFailed(x, p);
            }
        }
    }

    private void chownFailed(PosixException x) throws PosixException {
        if (!x.denied()) {
            throw x;
        }
        chown = false;
    }

    private void xattrFailed(Xattr x, PosixException p) {
        String name = new String(x.name(), java.nio.charset.StandardCharsets.UTF_8);
        int dot = name.indexOf('.');
        refuse("extended attributes " + (dot > 0 ? name.substring(0, dot) : name) + ".* were not restored: "
                + p.reason());
    }

    private synchronized void refuse(String what) {
        refused.merge(what, 1, Integer::sum);
    }

    private void damage(String what) {
        synchronized (damaged) {
            damaged.add(what);
        }
    }

    private boolean matches() {
        for (PathPattern p : includes) {
            if (p.matches(path)) {
                return true;
            }
        }
        return false;
    }

    private boolean mayMatchBelow() {
        for (PathPattern p : includes) {
            if (p.mayMatchBelow(path)) {
                return true;
            }
        }
        return false;
    }

    private void put(BlockingQueue<Job> queue, Job job) throws InterruptedIOException {
        try {
            queue.put(job);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (job.fd() >= 0) {
                fs.close(job.fd());
            }
            throw new InterruptedIOException("restore interrupted");
        }
    }

    private static String kind(FileType t) {
        return t.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    private String where() {
        return FileSelection.display(path);
    }
}
