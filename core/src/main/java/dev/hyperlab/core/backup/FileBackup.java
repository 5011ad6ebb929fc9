package dev.hyperlab.core.backup;

import dev.hyperlab.core.hostfs.DirEntry;
import dev.hyperlab.core.hostfs.FileStat;
import dev.hyperlab.core.hostfs.FileType;
import dev.hyperlab.core.hostfs.FileSource;
import dev.hyperlab.core.hostfs.PosixException;
import dev.hyperlab.core.hostfs.Xattr;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingDeque;

/**
 * One file backup's walk: the selected paths depth-first, names in byte order, each directory's entries stat-ed
 * without following links; regular files read and cut into content-defined chunks ({@link ContentChunker}, so a file
 * and a disk holding the same bytes share blobs) that go through the {@link BackupPipeline}; each directory's entries
 * become a tree blob once the chunks of its files are committed (an {@link BackupPipeline#ordered} action), so trees
 * and packs are the same in every run over the same files.
 *
 * <p><b>Incremental.</b> With a parent backup, each directory's entries are matched by name with the parent's tree
 * of the same path: a regular file whose type, size, modification and change times and inode are those the parent
 * recorded, and whose blobs the repository still lists, is not read again; its content and extended attributes are
 * the parent's. Anything else is read.
 *
 * <p><b>Names kept.</b> A directory is not listed again when the parent's names for it are known to be all its names:
 * its type, modification and change times and inode are those the parent recorded; its file system moves those times
 * with every name added, removed or renamed ({@link FileSource#timesCoverNames}); the parent left nothing out and had
 * the same paths and exclude patterns (so it listed every directory it walked whole, and kept every name but the
 * excluded ones, which are excluded again); and the recorded change time is more than {@link #RACY_NANOS} before the
 * parent began, so a name added after the parent listed the directory would have moved it to another value (a change
 * within the same clock tick, or the same second where a file system keeps seconds, would not). Every entry is still
 * stat-ed: a file's change does not move its directory's times, and the entry's own times decide whether it is read.
 *
 * <p><b>What goes wrong on a live system</b> is reported, never fatal: a name that vanished between listing and
 * reading, a file or directory that cannot be read (permission denied: skipped, with a warning), a file whose size
 * or times changed while it was read (kept as read, with a warning; a file that shrank ends where its data ended,
 * one that grew is read to the length it had when opened), an entry replaced by another kind of file. Symbolic links
 * are never followed, so a link loop is just a link. Names of hard links to one file are read once.
 */
final class FileBackup {
    /** Deeper directories are left out with a warning: no real tree comes near, and it bounds the recursion. */
    static final int MAX_DEPTH = 1000;

    /**
     * How long before the parent backup began a directory's change time must be for its names to be kept: two
     * seconds, the coarsest time a kept file system records (ext2/3 with 128-byte inodes keep whole seconds), and
     * more than a clock tick of the others.
     */
    static final long RACY_NANOS = 2_000_000_000L;

    /**
     * Called with a regular file's displayed path just before it is opened ({@code opened} false) and once it is open,
     * before it is read ({@code opened} true): where tests make a live system's faults happen (a file removed, grown).
     */
    interface Hook {
        Hook NONE = (path, opened) -> {};

        void at(String path, boolean opened) throws IOException;
    }

    /** A tree id, set by the committer when the directory's tree is stored. */
    static final class TreeId {
        volatile ObjectId id;
    }

    /** The content of a file being read: its pieces, added by the committer in file order. */
    private static final class FileContent implements BackupPipeline.PieceSink {
        private final List<Piece> pieces = new ArrayList<>();

        @Override
        public synchronized void add(Piece p) {
            pieces.add(p);
        }

        synchronized List<Piece> pieces() {
            return List.copyOf(pieces);
        }
    }

    /** An entry of a directory being walked: complete, or completed by its content or tree. */
    private record Pending(TreeNode node, FileContent content, TreeId tree) {
        TreeNode done() {
            return content != null ? node.withContent(content.pieces()) : tree != null ? node.withSubtree(tree.id)
                    : node;
        }
    }

    /** The first name of a hard-linked file read in this walk, so its other names are not read again. */
    private record FirstRead(FileStat stat, FileContent content, List<Xattr> xattrs) {}

    private record Inode(long dev, long ino) {}

    /** What the walk found. {@code root} is set once the pipeline has drained (null in a dry run). */
    record Outcome(TreeId root, FileCounts counts, long bytesRead, long bytesToRead, long leftOut,
            List<String> warnings) {}

    /**
     * The parent backup's trees, loaded (read, decrypted, decompressed, verified, decoded) on a second thread ahead of
     * the walk: when the walk has a directory's old entries, the trees of its subdirectories are queued, the newest
     * directory's first and in name order (the walk goes depth-first, so it next needs the first subdirectory of the
     * directory it just entered). The walk takes a tree from here: it runs a load that has not started itself and
     * waits for one under way, so what it gets, and any error, is the same whatever the threads do. At most
     * {@link #MAX_AHEAD} trees are queued or held; those of entries the walk did not enter (excluded, vanished) are
     * dropped when their directory is done.
     */
    private static final class Prefetch implements AutoCloseable {
        static final int MAX_AHEAD = 1024;
        private final Trees trees;
        private final LinkedBlockingDeque<FutureTask<List<TreeNode>>> queue = new LinkedBlockingDeque<>();
        /** Only the walk's thread touches this. */
        private final Map<ObjectId, FutureTask<List<TreeNode>>> queued = new HashMap<>();
        private final Thread worker;

        Prefetch(Trees trees) {
            this.trees = trees;
            this.worker = Thread.ofPlatform().daemon().name("file-backup-trees").start(() -> {
                try {
                    while (true) {
                        queue.takeFirst().run();
                    }
                } catch (InterruptedException e) {
                    // closed
                }
            });
        }

        /** Queues the trees of the subdirectories in {@code entries}, first name first, ahead of what is queued. */
        void ahead(List<TreeNode> entries) {
            for (int i = entries.size() - 1; i >= 0; i--) {
                ObjectId id = entries.get(i).subtree();
                if (id != null && queued.size() < MAX_AHEAD && !queued.containsKey(id)) {
                    FutureTask<List<TreeNode>> task = new FutureTask<>(() -> trees.load(id));
                    queued.put(id, task);
                    queue.offerFirst(task);
                }
            }
        }

        /** Tree {@code id}: queued (run here if not started), or loaded here. */
        List<TreeNode> take(ObjectId id) throws IOException {
            FutureTask<List<TreeNode>> task = queued.remove(id);
            if (task == null) {
                return trees.load(id);
            }
            task.run(); // nothing when the worker has run it or is running it
            try {
                return task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while reading the previous backup's trees");
            } catch (ExecutionException e) {
                switch (e.getCause()) {
                    case IOException io -> throw io;
                    case RuntimeException r -> throw r;
                    case Error err -> throw err;
                    default -> throw new IllegalStateException(e.getCause());
                }
            }
        }

        /**
         * A queued load (the newest) for another thread to run, or null: what it loads is what {@link #take} gets,
         * whichever thread runs it.
         */
        Runnable next() {
            return queue.pollFirst();
        }

        /** Drops what was queued for {@code entries} and not taken. */
        void forget(List<TreeNode> entries) {
            for (TreeNode e : entries) {
                if (e.subtree() != null) {
                    FutureTask<List<TreeNode>> task = queued.remove(e.subtree());
                    if (task != null) {
                        task.cancel(false);
                        queue.remove(task);
                    }
                }
            }
        }

        @Override
        public void close() {
            StatAhead.stop(worker);
        }
    }

    private final FileSource fs;
    private final BackupPipeline pipeline;
    private final RepositoryIndex index;
    private final Trees old;
    private final List<PathPattern> excludes;
    private final Hook hook;
    private final List<String> warnings = new ArrayList<>();
    private final byte[] buf;
    private final List<byte[]> path = new ArrayList<>();
    private final Map<Inode, FirstRead> links = new HashMap<>();
    /** Directories changed before this (seconds, nanoseconds) keep their names; MIN_VALUE: none do. */
    private final long keepSec;
    private final int keepNsec;
    private long namesKept;
    private Prefetch prefetch;
    /** Stats a directory's entries ahead of the walk on a second thread, in an incremental backup; else null. */
    private StatAhead statAhead;
    private boolean statAheadAllowed = true;
    private long files;
    private long directories;
    private long others;
    private long bytes;
    private long newFiles;
    private long changedFiles;
    private long unchangedFiles;
    private long bytesRead;
    private long bytesToRead;
    private long leftOut;

    /**
     * @param pipeline where chunks and trees go; null for a dry run, which reads no file and stores nothing
     * @param old the parent backup's trees, or null when there is none
     * @param parentTime when the parent backup began (nanoseconds since the epoch) when its directories' names can be
     *     kept (it left nothing out and had the same paths and excludes), or {@link Long#MIN_VALUE}
     */
    FileBackup(FileSource fs, BackupPipeline pipeline, RepositoryIndex index, Trees old, List<PathPattern> excludes,
            Hook hook, long parentTime) {
        this.fs = fs;
        this.hook = hook;
        this.pipeline = pipeline;
        this.index = index;
        this.old = old;
        this.excludes = List.copyOf(excludes);
        this.buf = pipeline == null ? null : new byte[ContentChunker.BUFFER];
        long limit = parentTime == Long.MIN_VALUE || old == null ? Long.MIN_VALUE
                : parentTime - RACY_NANOS;
        this.keepSec = limit == Long.MIN_VALUE ? Long.MIN_VALUE : Math.floorDiv(limit, 1_000_000_000L);
        this.keepNsec = limit == Long.MIN_VALUE ? 0 : (int) Math.floorMod(limit, 1_000_000_000L);
    }

    /** Off: every entry stat-ed on the walk's own thread (tests compare the two). */
    FileBackup statAhead(boolean allowed) {
        this.statAheadAllowed = allowed;
        return this;
    }

    /** Directories whose names were kept from the parent backup rather than listed. */
    long namesKept() {
        return namesKept;
    }

    /** Walks {@code selection}; {@code parentRoot} is the parent backup's root tree, or null. */
    Outcome run(FileSelection selection, ObjectId parentRoot) throws IOException {
        TreeId root = new TreeId();
        int fd = fs.openDirectory(FileSource.CWD, new byte[] {'/'}, "/");
        prefetch = old == null || parentRoot == null ? null : new Prefetch(old);
        statAhead = prefetch == null || !statAheadAllowed ? null : new StatAhead(fs, prefetch::next);
        try {
            if (selection.root().whole) {
                contents(fd, parentRoot, false, root);
            } else {
                partial(fd, selection.root(), orEmpty(oldTree(parentRoot)), root);
            }
        } finally {
            fs.close(fd);
            if (prefetch != null) {
                prefetch.close();
            }
            if (statAhead != null) {
                statAhead.close();
            }
        }
        return new Outcome(root, new FileCounts(files, directories, others, bytes, newFiles, changedFiles,
                unchangedFiles), bytesRead, bytesToRead, leftOut, warnings);
    }

    // ---- directories ----------------------------------------------------------------------------------------------

    /** A directory of the selection that holds only some of its entries: those the selection names. */
    private void partial(int fd, FileSelection.Node node, List<TreeNode> oldEntries, TreeId tree) throws IOException {
        List<Pending> pending = new ArrayList<>();
        for (Map.Entry<byte[], FileSelection.Node> c : node.children.entrySet()) {
            byte[] name = c.getKey();
            path.add(name);
            try {
                TreeNode o = find(oldEntries, name);
                FileStat st;
                try {
                    st = fs.stat(fd, name, "stat");
                } catch (PosixException e) {
                    leaveOut(where() + ": " + e.reason() + "; left out");
                    continue;
                }
                if (c.getValue().whole) {
                    entry(fd, name, st, o, pending);
                    continue;
                }
                int dir;
                try {
                    dir = fs.openDirectory(fd, name, "open");
                } catch (PosixException e) {
                    leaveOut(where() + ": " + e.reason() + "; left out");
                    continue;
                }
                try {
                    List<Xattr> xattrs = xattrs(dir);
                    TreeId sub = new TreeId();
                    partial(dir, c.getValue(), o != null && o.type() == FileType.DIRECTORY
                            ? orEmpty(oldTree(o.subtree())) : List.of(), sub);
                    directories++;
                    pending.add(new Pending(node(name, st, null, xattrs), null, sub));
                } finally {
                    fs.close(dir);
                }
            } finally {
                path.removeLast();
            }
        }
        submitTree(pending, tree);
    }

    /** A directory named {@code name} in {@code parent}, backed up whole. */
    private void directory(int parent, byte[] name, FileStat st, TreeNode o, List<Pending> pending)
            throws IOException {
        if (path.size() > MAX_DEPTH) {
            leaveOut(where() + ": deeper than " + MAX_DEPTH + " directories; left out");
            return;
        }
        int fd;
        try {
            fd = fs.openDirectory(parent, name, "open");
        } catch (PosixException e) {
            if (e.denied()) {
                // kept, with its permissions and owner, but empty: what cannot be listed cannot be backed up
                leaveOut(where() + ": " + e.reason() + "; its contents are left out");
                directories++;
                TreeId empty = new TreeId();
                submitTree(List.of(), empty);
                pending.add(new Pending(node(name, st, null, List.of()), null, empty));
            } else {
                vanishedOrReplaced(e);
            }
            return;
        }
        try {
            directories++;
            boolean was = o != null && o.type() == FileType.DIRECTORY;
            boolean unchanged = was && o.unchanged(st);
            // a change of its extended attributes moves its change time, as for a file
            List<Xattr> xattrs = unchanged ? o.xattrs() : xattrs(fd);
            TreeId tree = new TreeId();
            contents(fd, was ? o.subtree() : null, unchanged && keepsNames(fd, st), tree);
            pending.add(new Pending(node(name, st, null, xattrs), null, tree));
        } finally {
            fs.close(fd);
        }
    }

    /**
     * Whether unchanged directory {@code fd} (stat {@code st}) keeps the parent backup's names (see the class
     * comment): its change time is before the limit and its file system moves its times with its names.
     */
    private boolean keepsNames(int fd, FileStat st) {
        if (keepSec == Long.MIN_VALUE) {
            return false;
        }
        boolean before = st.ctimeSec() < keepSec || st.ctimeSec() == keepSec && st.ctimeNsec() < keepNsec;
        return before && fs.timesCoverNames(fd, st.dev());
    }

    /**
     * Every entry of open directory {@code fd}, in name order, then its tree: the parent backup's tree
     * {@code oldId} (null when there is none) when every entry is the same as there, so an unchanged directory is
     * neither encoded nor hashed again. With {@code keepNames}, the names are the parent's, when its tree was read.
     */
    private void contents(int fd, ObjectId oldId, boolean keepNames, TreeId tree) throws IOException {
        List<TreeNode> loaded = oldTree(oldId);
        List<TreeNode> oldEntries = orEmpty(loaded);
        if (prefetch != null) {
            prefetch.ahead(oldEntries);
        }
        try {
            walkContents(fd, oldId, oldEntries, keepNames && oldId != null && loaded != null, tree);
        } finally {
            if (prefetch != null) {
                prefetch.forget(oldEntries);
            }
        }
    }

    private void walkContents(int fd, ObjectId oldId, List<TreeNode> oldEntries, boolean keepNames, TreeId tree)
            throws IOException {
        List<byte[]> sorted;
        boolean[] regular = null;
        if (keepNames) {
            // the parent's names, in the byte order its walk stored them
            sorted = new ArrayList<>(oldEntries.size());
            for (TreeNode e : oldEntries) {
                sorted.add(e.name());
            }
            namesKept++;
        } else {
            List<DirEntry> names;
            try {
                names = fs.list(fd, "list");
            } catch (PosixException e) {
                leaveOut(where() + ": " + e.reason() + "; its contents are left out");
                names = List.of();
            }
            names = new ArrayList<>(names);
            names.sort((a, b) -> Arrays.compareUnsigned(a.name(), b.name()));
            sorted = new ArrayList<>(names.size());
            for (DirEntry e : names) {
                sorted.add(e.name());
            }
            // a new file the listing says is regular is stat-ed by its open alone (see file)
            if (pipeline != null && statAhead == null) {
                regular = new boolean[names.size()];
                for (int i = 0; i < regular.length; i++) {
                    regular[i] = names.get(i).regular();
                }
            }
        }
        List<Pending> pending = new ArrayList<>(sorted.size());
        StatAhead.Batch batch = statAhead == null ? null : statAhead.begin(fd, unexcluded(sorted));
        try {
            walkNames(fd, sorted, regular, oldEntries, pending, batch);
        } finally {
            if (batch != null) {
                statAhead.end(batch);
            }
        }
        if (pipeline != null && oldId != null && same(pending, oldEntries) && index.contains(oldId)) {
            tree.id = oldId;
            return;
        }
        submitTree(pending, tree);
    }

    /** {@code sorted} with the names the walk excludes null, for {@link StatAhead} (it stats no excluded name). */
    private List<byte[]> unexcluded(List<byte[]> sorted) {
        if (excludes.isEmpty()) {
            return sorted;
        }
        List<byte[]> out = new ArrayList<>(sorted.size());
        for (byte[] name : sorted) {
            path.add(name);
            out.add(excluded() ? null : name);
            path.removeLast();
        }
        return out;
    }

    private void walkNames(int fd, List<byte[]> sorted, boolean[] regular, List<TreeNode> oldEntries,
            List<Pending> pending, StatAhead.Batch batch) throws IOException {
        int oi = 0;
        for (int i = 0; i < sorted.size(); i++) {
            byte[] name = sorted.get(i);
            path.add(name);
            try {
                if (excluded()) {
                    continue;
                }
                while (oi < oldEntries.size() && Arrays.compareUnsigned(oldEntries.get(oi).name(), name) < 0) {
                    oi++;
                }
                TreeNode o = oi < oldEntries.size() && Arrays.equals(oldEntries.get(oi).name(), name)
                        ? oldEntries.get(oi) : null;
                if (o == null && batch == null && regular != null && regular[i]) {
                    file(fd, name, null, null, pending);
                    continue;
                }
                FileStat st;
                try {
                    st = batch == null ? fs.stat(fd, name, "stat") : statAhead.stat(batch, i, fs);
                } catch (PosixException e) {
                    vanishedOrReplaced(e);
                    continue;
                }
                entry(fd, name, st, o, pending);
            } finally {
                path.removeLast();
            }
        }
    }

    /**
     * Whether {@code pending} are the parent backup's {@code oldEntries}, node for node: none read again, every
     * subdirectory's tree known (kept from the parent) and every field alike.
     */
    private static boolean same(List<Pending> pending, List<TreeNode> oldEntries) {
        if (pending.size() != oldEntries.size()) {
            return false;
        }
        for (int i = 0; i < pending.size(); i++) {
            Pending p = pending.get(i);
            if (p.content() != null || p.tree() != null && p.tree().id == null
                    || !p.done().sameAs(oldEntries.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Stores the tree of a directory's {@code pending} entries once every chunk read before is committed. */
    private void submitTree(List<Pending> pending, TreeId tree) throws IOException {
        if (pipeline == null) {
            return;
        }
        String where = where();
        pipeline.ordered(() -> {
            List<TreeNode> nodes = new ArrayList<>(pending.size());
            for (Pending p : pending) {
                nodes.add(p.done());
            }
            byte[] raw = FileTree.encode(nodes);
            if (raw.length > FileTree.MAX_BYTES) {
                throw new RepositoryException("cannot back up " + where + ": its " + nodes.size() + " entries need a"
                        + " tree of " + raw.length + " bytes, more than a tree holds (" + FileTree.MAX_BYTES + ")");
            }
            tree.id = pipeline.storeMeta(BlobType.TREE, raw);
        });
    }

    // ---- entries ------------------------------------------------------------------------------------------------

    private void entry(int dir, byte[] name, FileStat st, TreeNode o, List<Pending> pending) throws IOException {
        switch (st.type()) {
            case DIRECTORY -> directory(dir, name, st, o, pending);
            case FILE -> file(dir, name, st, o, pending);
            default -> {
                others++;
                boolean same = o != null && o.type() == st.type() && o.unchanged(st);
                byte[] target = null;
                if (st.type() == FileType.SYMLINK) {
                    try {
                        target = same ? o.target() : fs.readLink(dir, name, "readlink");
                    } catch (PosixException e) {
                        others--;
                        vanishedOrReplaced(e);
                        return;
                    }
                }
                pending.add(new Pending(same ? kept(o, name, st, target) : node(name, st, target, xattrsAt(dir, name)),
                        null, null));
            }
        }
    }

    /**
     * Regular file {@code name} of {@code dir}, stat-ed by the walk ({@code st}), or, with {@code st} null, a new file
     * (no {@code o}) the directory's listing says is regular, in a backup that reads: then the open descriptor's
     * stat, which the file's node is made of in any case, stands for the walk's, one {@code statx} fewer per file; it
     * is what a walk's stat, then a replacement before the open, would have given.
     */
    private void file(int dir, byte[] name, FileStat st, TreeNode o, List<Pending> pending) throws IOException {
        if (st != null) {
            if (o != null && o.type() == FileType.FILE && o.unchanged(st) && indexed(o.content())) {
                files++;
                bytes += st.size();
                unchangedFiles++;
                pending.add(new Pending(kept(o, name, st, null), null, null));
                return;
            }
            if (linked(name, st, o, pending)) {
                return;
            }
            if (pipeline == null) {
                count(st, o);
                // a sparse file's holes are not read (read() seeks over them): its allocated blocks are what a backup
                // reads, where its length would overstate a disk image's tens of GiB
                bytesToRead += st.maybeSparse() ? st.blocks() * 512 : st.size();
                pending.add(new Pending(node(name, st, null, List.of()), null, null));
                return;
            }
        }
        if (hook != Hook.NONE) {
            hook.at(where(), false);
        }
        int fd;
        try {
            fd = fs.openForReading(dir, name, "open");
        } catch (PosixException e) {
            if (e.denied()) {
                leaveOut(where() + ": " + e.reason() + "; skipped");
            } else {
                vanishedOrReplaced(e);
            }
            return;
        }
        try {
            FileStat now = fs.stat(fd, "stat");
            if (now.type() != FileType.FILE) {
                leaveOut(where() + ": replaced by a " + kind(now.type()) + " while it was backed up; left out");
                return;
            }
            if (st == null && linked(name, now, null, pending)) {
                return;
            }
            if (hook != Hook.NONE) {
                hook.at(where(), true);
            }
            List<Xattr> xattrs = xattrs(fd);
            FileContent content = new FileContent();
            long end = read(fd, now, content);
            FileStat after = fs.stat(fd, "stat");
            if (end != now.size() || !after.sameContent(now)) {
                warn(where() + ": changed while it was read (" + change(now, after, end) + "); kept as read");
            }
            FileStat kept = end == now.size() ? now : now.withSize(end);
            count(kept, o);
            if (now.nlink() > 1) {
                links.put(new Inode(now.dev(), now.ino()), new FirstRead(kept, content, xattrs));
            }
            pending.add(new Pending(node(name, kept, null, xattrs), content, null));
        } catch (PosixException e) {
            leaveOut(where() + ": " + e.reason() + " while reading it; skipped");
        } finally {
            fs.close(fd);
        }
    }

    /** Whether file {@code st} is a hard link to one this backup has read: then it is added with that content. */
    private boolean linked(byte[] name, FileStat st, TreeNode o, List<Pending> pending) {
        FirstRead first = st.nlink() > 1 ? links.get(new Inode(st.dev(), st.ino())) : null;
        if (first != null && first.stat().sameContent(st)) {
            count(st, o);
            pending.add(new Pending(node(name, st, null, first.xattrs()), first.content(), null));
            return true;
        }
        return false;
    }

    private void count(FileStat st, TreeNode o) {
        files++;
        bytes += st.size();
        if (o == null) {
            newFiles++;
        } else {
            changedFiles++;
        }
    }

    /**
     * Reads {@code st.size()} bytes of open file {@code fd} (only its data runs, when it may be sparse) into chunks;
     * returns where its content ended: its size, or less when it shrank while read.
     */
    private long read(int fd, FileStat st, FileContent content) throws IOException {
        long size = st.size();
        if (size == 0) {
            return 0;
        }
        ContentChunker.Source source = (offset, b, off, len) -> {
            int n = fs.read(fd, offset, b, off, len, "read");
            bytesRead += n;
            return n;
        };
        ContentChunker.Sink sink = (offset, b, off, len) -> pipeline.submit(content, offset, b, off, len);
        if (!st.maybeSparse()) {
            return ContentChunker.chunk(source, 0, size, buf, sink);
        }
        long pos = 0;
        while (pos < size) {
            long data = fs.seek(fd, pos, false, "seek");
            if (data < 0 || data >= size) {
                break;
            }
            long hole = Math.min(size, fs.seek(fd, data, true, "seek"));
            long end = ContentChunker.chunk(source, data, hole, buf, sink);
            if (end < hole) {
                return end;
            }
            pos = hole;
        }
        return size;
    }

    private static String change(FileStat before, FileStat after, long end) {
        if (end < before.size()) {
            return "it ended at " + end + " of " + before.size() + " bytes";
        }
        if (after.size() != before.size()) {
            return "its size went from " + before.size() + " to " + after.size() + " bytes";
        }
        return "its modification or change time moved";
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private TreeNode node(byte[] name, FileStat st, byte[] target, List<Xattr> xattrs) {
        return TreeNode.of(name, st, fs.userName(st.uid()), fs.groupName(st.gid()), target, xattrs, List.of(), null);
    }

    /**
     * The node of an entry {@link TreeNode#unchanged} since the parent's node {@code o}, with the parent's extended
     * attributes and content: {@code o} itself when nothing else moved either (no new node, and its directory's tree
     * compares it by reference), else a node made from {@code st}.
     */
    private TreeNode kept(TreeNode o, byte[] name, FileStat st, byte[] target) {
        String user = fs.userName(st.uid());
        String group = fs.groupName(st.gid());
        return o.sameStat(st, user, group) ? o
                : TreeNode.of(name, st, user, group, target, o.xattrs(), o.content(), null);
    }

    private List<Xattr> xattrs(int fd) {
        try {
            return fs.xattrs(fd, "xattrs");
        } catch (PosixException e) {
            warn(where() + ": " + e.reason() + "; its extended attributes are left out");
            return List.of();
        }
    }

    private List<Xattr> xattrsAt(int dir, byte[] name) {
        try {
            return fs.xattrsAt(dir, name, "xattrs");
        } catch (PosixException e) {
            if (!e.notFound()) {
                warn(where() + ": " + e.reason() + "; its extended attributes are left out");
            }
            return List.of();
        }
    }

    private boolean indexed(List<Piece> content) {
        for (Piece p : content) {
            if (!index.contains(p.blob())) {
                return false;
            }
        }
        return true;
    }

    private boolean excluded() {
        for (PathPattern p : excludes) {
            if (p.matches(path)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The parent backup's entries of tree {@code id}: none when there is no parent, null (with a warning) when the
     * tree cannot be read.
     */
    private List<TreeNode> oldTree(ObjectId id) {
        if (old == null || id == null) {
            return List.of();
        }
        try {
            return prefetch != null ? prefetch.take(id) : old.load(id);
        } catch (IOException e) {
            warn(where() + ": the previous backup's tree cannot be read (" + e.getMessage() + "); its files are read"
                    + " again");
            return null;
        }
    }

    private static List<TreeNode> orEmpty(List<TreeNode> entries) {
        return entries == null ? List.of() : entries;
    }

    private static TreeNode find(List<TreeNode> entries, byte[] name) {
        for (TreeNode e : entries) {
            if (Arrays.equals(e.name(), name)) {
                return e;
            }
        }
        return null;
    }

    private void vanishedOrReplaced(PosixException e) {
        if (e.notFound()) {
            leaveOut(where() + ": vanished while it was backed up; left out");
        } else {
            leaveOut(where() + ": " + e.reason() + " (replaced while it was backed up?); left out");
        }
    }

    private static String kind(FileType t) {
        return t.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    private String where() {
        return FileSelection.display(path);
    }

    private void warn(String w) {
        warnings.add(w);
    }

    /** A warning about an entry (or a directory's contents) the backup does not hold. */
    private void leaveOut(String w) {
        leftOut++;
        warnings.add(w);
    }
}
