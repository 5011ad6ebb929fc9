package dev.hyperlab.core.backup;

import dev.hyperlab.core.hostfs.FileStat;
import dev.hyperlab.core.hostfs.FileType;
import dev.hyperlab.core.hostfs.HostFs;
import dev.hyperlab.core.hostfs.PosixException;
import dev.hyperlab.core.hostfs.Xattr;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Restores a file backup into a directory. The walk (this thread) creates every directory, symbolic link, special file
 * and hard link, and gathers the regular files into batches of {@value #BATCH_FILES}. A batch's reads are planned per
 * pack ({@link PackRuns}): which blobs go to which files at which offsets, so each stretch of a pack is read once,
 * however many files its blobs belong to and however the files' blobs are spread over packs. One worker per core
 * then takes a batch through three steps, each shared among the workers: create its files (empty), read the runs
 * (every blob verified against its id) writing each blob with positioned writes to every file that holds it, and set
 * each file's length (holes stay holes), owner, permissions, extended attributes and times and close it. At most
 * {@value #IN_FLIGHT} batches are open at once, which bounds open descriptors. A directory gets its owner,
 * permissions, attributes and times once its entries exist: after the walk has left it and the workers have created
 * the files in it (writing into a file does not change its directory).
 *
 * <p><b>Nothing is written outside the target.</b> Every name comes from a tree, and a tree whose names are not single
 * path components is refused when it is read ({@link FileTree}); the check is made again here before a name is used.
 * Every file is created relative to its directory's descriptor ({@code openat}, {@code mkdirat}, {@code symlinkat},
 * ...) with {@code O_NOFOLLOW} and {@code O_EXCL}, and directories are entered with {@code O_NOFOLLOW}, so a
 * symbolic link (one the backup restores, or one already in the target) is never followed: a restored link can point
 * anywhere, but nothing is written through it. Hard links are made only to files this restore created.
 */
final class FileRestorer {
    /** Files whose reads are planned together: the larger, the fewer times a pack is visited. */
    private static final int BATCH_FILES = 512;
    /** Batches handed to the workers and not yet finished: bounds open descriptors and memory. */
    private static final int IN_FLIGHT = 3;

    /**
     * A regular file being restored: created (by the walk when hard-linked, else by a worker), written, finished. Its
     * path, for messages, is made from its directory only when a message needs it: building it for every file was
     * ~37 MB of strings for /usr/share, a fifth of the walk's allocations.
     */
    private static final class Job implements Supplier<String> {
        /** Where a worker creates it; null when the walk created it. */
        final Dir dir;
        /** The directory it is in. */
        final Dir in;
        final TreeNode node;
        /** Its descriptor once created; -1 when it could not be (or need not be: a directory is in the way). */
        volatile int fd;
        /** The end of the data written so far: the file's length unless a hole or damage follows it. */
        final AtomicLong end = new AtomicLong();
        /** Whether the kernel gave it its owner and group when it was created: no {@code fchown} then. */
        boolean ownerKept;
        /** Whether it was created with its permissions: no {@code fchmod} then. */
        boolean modeKept;
        /** Pieces of its data not yet written: at zero it is whole, even when the restore failed meanwhile. */
        final AtomicInteger piecesLeft;

        Job(Dir dir, Dir in, int fd, TreeNode node) {
            this.dir = dir;
            this.in = in;
            this.fd = fd;
            this.node = node;
            this.piecesLeft = new AtomicInteger(node.content().size());
        }

        /** Its path in the backup, as messages show it. */
        @Override
        public String get() {
            List<byte[]> names = namesOf(in);
            names.add(node.name());
            return FileSelection.display(names);
        }
    }

    /** One piece of a file that a blob fills. */
    private record Use(Job job, Piece piece) {}

    /** Files whose contents are read together, and which blob goes where. */
    private static final class Batch {
        final List<Job> jobs = new ArrayList<>();
        Map<ObjectId, List<Use>> uses;
        List<PackRuns.Run> runs;
        /** Tasks of the current step not yet done: the worker that does the last one starts the next step. */
        final AtomicInteger pending = new AtomicInteger();
    }

    private enum Step { CREATE, READ, FINISH }

    /** A worker's task: a step for the batch's files {@code [from, to)}, or for its run {@code from} (READ). */
    private record Task(Batch batch, Step step, int from, int to) {}

    private static final Task STOP = new Task(null, null, 0, 0);

    /** A directory of the backup being restored; opened (created) only once something in it is restored. */
    private static final class Dir {
        final Dir parent;
        final byte[] name;
        final TreeNode node;
        int fd = -1;
        /** Entries still to be created in it, plus one while the walk is in it: at zero it is finished and closed. */
        final AtomicInteger unfinished = new AtomicInteger(1);
        /** What a file created in it gets from the kernel; learned from the first one a worker creates, else null. */
        volatile Created created;
        /** Whether this restore made it (mkdirat), rather than finding it in the target (overwrite). */
        boolean made;

        Dir(Dir parent, byte[] name, TreeNode node) {
            this.parent = parent;
            this.name = name;
            this.node = node;
        }
    }

    private record Inode(long dev, long ino) {}

    /**
     * The owner and group the kernel gives a file created in a directory (the creator's, or the group of a set-group-id
     * directory, or of any directory on a file system mounted {@code grpid}: so it is observed, never predicted), and
     * whether the creation mode less the umask is all of its permissions there (no default ACL on the directory).
     */
    private record Created(int uid, int gid, boolean umaskOnly) {}

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
    private final BlockingQueue<Task> tasks = new LinkedBlockingQueue<>();
    private final Semaphore slots = new Semaphore(IN_FLIGHT);
    /** The batch the walk is filling, null between batches. */
    private Batch batch;
    /** The target directory: the top of the walk, never closed here. */
    private final Dir top = new Dir(null, new byte[0], null);
    private volatile boolean chown = true;
    private volatile IOException failure;
    /** Files created but not written whole because the restore failed. */
    private final AtomicInteger incomplete = new AtomicInteger();
    /** Set when the walk ended early (an error, an interrupt): the workers then only close the files open. */
    private volatile boolean stopped;
    private final int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
    /** This process's umask, or -1 when unknown (then every file is created 0600 and gets its mode by fchmod). */
    private final int umask = umask();
    private final AtomicLong files = new AtomicLong();
    /** The walk's current path, as messages show it: asked only while the walk is at that entry. */
    private final Supplier<String> here = this::where;
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
        List<Thread> threads = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(workers);
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(() -> work(ready), "restore-files-" + (i + 1));
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        boolean walked = false;
        try {
            ready.await(); // each worker has its own C library handle (confined to its thread)
            if (failure != null) {
                throw failure;
            }
            top.fd = target;
            List<TreeNode> entries = trees.load(root);
            restoreDir(top, entries, includes.isEmpty());
            walked = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("restore interrupted");
        } finally {
            stopped = !walked; // the workers only close what they opened
            submit();
            // every batch hands out its next step when the last task of a step ends: wait for them all to end
            slots.acquireUninterruptibly(IN_FLIGHT);
            for (int i = 0; i < threads.size(); i++) {
                tasks.add(STOP);
            }
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("restore interrupted");
                }
            }
        }
        if (failure != null) {
            int n = incomplete.get();
            throw n == 0 ? failure : new IOException(failure.getMessage() + "; " + n + (n == 1 ? " file was" : " files were")
                    + " left incomplete, with mode 0600 (restore again with {overwrite})", failure);
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
        return new FileRestoreResult(backupId, shown, files.get(), directories, others, links, bytesWritten.get(),
                leftOut, dmg, warnings);
    }

    // ---- the walk -------------------------------------------------------------------------------------------------

    private void restoreDir(Dir dir, List<TreeNode> entries, boolean selected)
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
                    case DIRECTORY -> directory(dir, e, sel);
                    case FILE -> {
                        if (sel) {
                            file(dir, e);
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

    private void directory(Dir parent, TreeNode e, boolean sel) throws IOException {
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
        restoreDir(d, sub, sel);
        done(fs, d);
    }

    /**
     * One entry of {@code d} created (or the walk has left it): once none is left, sets its owner, permissions,
     * attributes and times and closes it. Run by the walk or by the worker that created its last file.
     */
    private void done(HostFs with, Dir d) {
        if (d.unfinished.decrementAndGet() > 0 || d.fd < 0 || d == top) {
            return;
        }
        TreeNode e = d.node;
        try {
            // made by the walk's mkdirat in its parent, it has the owner and group the kernel gives a new entry there,
            // which a file created in the parent shows, and so does one created in it: a new file's group is the
            // directory's own when the directory is set-group-id (which a new directory is when its parent is) or on a
            // grpid mount (where the directory got its parent's), else the creator's, as the directory's was
            // (d.parent is null only for the target)
            Created k = d.created != null ? d.created : d.parent.created;
            if (!d.made || k == null || k.uid() != e.uid() || k.gid() != e.gid()) {
                owner(with, d.fd, e);
            }
            with.chmod(d.fd, e.mode(), "chmod");
            xattrs(with, d.fd, e);
            with.setTimes(d.fd, e.mtimeSec(), e.mtimeNsec(), e.mtimeSec(), e.mtimeNsec(), "utimes");
        } catch (PosixException x) {
            fail(new IOException(FileSelection.display(namesOf(d)) + ": " + x.reason(), x));
        } finally {
            with.close(d.fd);
            d.fd = -1;
        }
    }

    /** The descriptor of {@code d}, creating it (and the directories above it) first. */
    private int open(Dir d) throws IOException {
        if (d.fd >= 0) {
            return d.fd;
        }
        int parent = open(d.parent);
        try {
            fs.mkdir(parent, d.name, 0700, "mkdir");
            d.made = true;
        } catch (PosixException e) {
            if (!e.exists() || !overwrite) {
                throw new IOException(FileSelection.display(namesOf(d)) + ": " + e.reason(), e);
            }
        }
        try {
            d.fd = fs.openDirectory(parent, d.name, "open");
        } catch (PosixException e) {
            if (!overwrite) {
                throw new IOException(FileSelection.display(namesOf(d)) + ": " + e.reason(), e);
            }
            // something else is in the way (a file, a link): replaced, never followed
            try {
                fs.unlink(parent, d.name, false, "unlink");
                fs.mkdir(parent, d.name, 0700, "mkdir");
                d.made = true;
                d.fd = fs.openDirectory(parent, d.name, "open");
            } catch (PosixException x) {
                throw new IOException(FileSelection.display(namesOf(d)) + ": " + x.reason(), x);
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

    private void file(Dir d, TreeNode e) throws IOException {
        int dir = open(d);
        Inode inode = new Inode(e.dev(), e.ino());
        if (e.nlink() > 1) {
            List<byte[]> first = linked.get(inode);
            if (first != null && link(first, dir, e)) {
                return;
            }
        }
        if (batch == null) {
            try {
                slots.acquire();
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("restore interrupted");
            }
            batch = new Batch();
        }
        if (e.nlink() > 1) { // created now, so that its other names can link to it
            int fd = createFile(fs, dir, e, here, 0600);
            if (fd < 0) {
                return;
            }
            linked.putIfAbsent(inode, List.copyOf(path));
            batch.jobs.add(new Job(null, d, fd, e));
        } else {
            d.unfinished.incrementAndGet();
            batch.jobs.add(new Job(d, d, -1, e));
        }
        if (batch.jobs.size() >= BATCH_FILES) {
            submit();
        }
    }

    /**
     * Hands the batch being filled to the workers: plans its reads per pack (a blob several of its files hold is read
     * once); pieces that no blob can fill are damage, named now.
     */
    private void submit() {
        Batch b = batch;
        if (b == null) {
            return;
        }
        batch = null;
        Map<ObjectId, List<Use>> uses = new HashMap<>();
        List<PackRuns.Wanted> wanted = new ArrayList<>();
        for (Job job : b.jobs) {
            for (Piece p : job.node.content()) {
                var loc = index.get(p.blob());
                if (loc.isEmpty()) {
                    damage(job.get() + " bytes " + p.offset() + "+" + p.length() + ": blob " + p.blob().shortHex()
                            + " is missing: no index lists it");
                    continue;
                }
                if (loc.get().type() != BlobType.DATA
                        || (long) p.blobOffset() + p.length() > loc.get().rawLength()) {
                    damage(job.get() + " bytes " + p.offset() + "+" + p.length() + ": blob " + p.blob().shortHex()
                            + " is not the data the tree says");
                    continue;
                }
                uses.computeIfAbsent(p.blob(), id -> {
                    wanted.add(new PackRuns.Wanted(id, loc.get()));
                    return new ArrayList<>();
                }).add(new Use(job, p));
            }
        }
        b.uses = uses;
        b.runs = PackRuns.plan(wanted);
        start(b, Step.CREATE);
    }

    /** Hands out {@code step} of {@code b}: a share of its files to each worker, or one task per run. */
    private void start(Batch b, Step step) {
        if (step == Step.READ) {
            if (b.runs.isEmpty() || !going()) {
                start(b, Step.FINISH);
                return;
            }
            b.pending.set(b.runs.size());
            for (int i = 0; i < b.runs.size(); i++) {
                tasks.add(new Task(b, step, i, i + 1));
            }
            return;
        }
        int n = b.jobs.size();
        int shares = Math.max(1, Math.min(workers, n));
        b.pending.set(shares);
        for (int i = 0; i < shares; i++) {
            tasks.add(new Task(b, step, (int) ((long) n * i / shares), (int) ((long) n * (i + 1) / shares)));
        }
    }

    /** Creates file {@code e} (empty) in {@code dir}; -1 when a directory is in the way (refused, with a warning). */
    private int createFile(HostFs with, int dir, TreeNode e, Supplier<String> where, int mode) throws IOException {
        int fd;
        try {
            fd = create(with, dir, e, where, () -> with.createFile(dir, e.name(), mode, "create"));
        } catch (PosixException x) {
            throw new IOException(where.get() + ": " + x.reason(), x);
        }
        if (fd >= 0) {
            files.incrementAndGet();
        }
        return fd;
    }

    /** Makes {@code e} a hard link to the file restored at {@code first}; false when that is not possible. */
    private boolean link(List<byte[]> first, int dir, TreeNode e) {
        List<Integer> opened = new ArrayList<>();
        try {
            // the first name's directories, entered one by one from the target without following links
            int at = top.fd;
            for (int i = 0; i < first.size() - 1; i++) {
                at = fs.openDirectory(at, first.get(i), "open");
                opened.add(at);
            }
            int from = at;
            if (create(fs, dir, e, here, () -> {
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
        try {
            int made = create(fs, dir, e, here, () -> {
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
                leftOut();
                return;
            }
            throw new IOException(where() + ": " + x.reason(), x);
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
            throw new IOException(where() + ": " + x.reason(), x);
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
    private int create(HostFs with, int dir, TreeNode e, Supplier<String> where, Creation how) throws PosixException {
        try {
            return how.make();
        } catch (PosixException x) {
            if (!x.exists() || !overwrite) {
                throw x;
            }
        }
        FileStat st = with.stat(dir, e.name(), "stat");
        if (st.type() == FileType.DIRECTORY) {
            refuse(where.get() + " is a directory in the target, left as it is (the backup has a " + kind(e.type())
                    + " there)");
            leftOut();
            return -1;
        }
        with.unlink(dir, e.name(), false, "unlink");
        return how.make();
    }

    // ---- the workers ----------------------------------------------------------------------------------------------

    /** Whether the workers go on writing: no failure, and the walk did not end early. */
    private boolean going() {
        return failure == null && !stopped;
    }

    private void work(CountDownLatch ready) {
        HostFs handle;
        try {
            handle = HostFs.open();
        } catch (IOException e) {
            fail(e);
            return; // the walk does not start
        } finally {
            ready.countDown();
        }
        try (HostFs own = handle) {
            BlobReader.Buffers buffers = new BlobReader.Buffers();
            while (true) {
                Task task = tasks.take();
                if (task == STOP) {
                    return;
                }
                Batch b = task.batch();
                try {
                    switch (task.step()) {
                        case CREATE -> create(own, b, task.from(), task.to());
                        case READ -> {
                            if (going()) {
                                reader.readRun(b.runs.get(task.from()), buffers, (w, data, problem) -> fill(own, b, w,
                                        data, problem));
                            }
                        }
                        case FINISH -> finish(own, b, task.from(), task.to());
                    }
                } catch (IOException x) {
                    fail(x);
                } catch (RuntimeException x) { // a bug: still end the step, so that the walk is not left waiting
                    fail(new IOException("restore failed: " + x, x));
                }
                if (b.pending.decrementAndGet() == 0) {
                    switch (task.step()) {
                        case CREATE -> start(b, Step.READ);
                        case READ -> start(b, Step.FINISH);
                        case FINISH -> slots.release();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fail(IOException x) {
        synchronized (this) {
            if (failure == null) {
                failure = x;
            }
        }
    }

    /** Creates the batch's files {@code [from, to)} that the walk did not, each in its directory. */
    private void create(HostFs own, Batch b, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            Job job = b.jobs.get(i);
            if (job.dir == null) {
                continue;
            }
            try {
                if (going()) {
                    created(own, job);
                }
            } finally {
                done(own, job.dir);
            }
        }
    }

    /**
     * Creates a worker's file in its directory. Once the directory's first file showed what the kernel gives a new file
     * there, a file that is to have that owner and group is created with its permissions (the umask's bits aside), and
     * the calls that would set them again are skipped: about two system calls of six per file when root restores
     * root's files. A file for another owner is created 0600 as before, so that nobody else reads it half-written, and
     * gets owner and permissions when it is finished.
     */
    private void created(HostFs own, Job job) throws IOException {
        TreeNode e = job.node;
        Dir d = job.dir;
        Created k = inherited(d);
        boolean kept = k != null && k.uid() == e.uid() && k.gid() == e.gid();
        int mode = kept && k.umaskOnly() ? e.mode() & 0777 : 0600;
        int fd = createFile(own, d.fd, e, job, mode);
        job.fd = fd;
        if (fd < 0) {
            return;
        }
        if (k == null) {
            k = learn(own, d, fd, job);
            kept = k.uid() == e.uid() && k.gid() == e.gid();
        }
        job.ownerKept = kept;
        job.modeKept = k.umaskOnly() && (mode & ~umask) == (e.mode() & 07777);
    }

    /**
     * What the kernel gives a file created in {@code d}, when known without asking it: learned from a file created in
     * {@code d}, or, for a directory this restore made, what a file created in its parent got. A directory made by
     * {@code mkdirat} has the owner a new entry gets in its parent, the parent's group when the parent is set-group-id
     * (and is set-group-id itself then) or on a {@code grpid} mount, else the creator's, and the parent's default ACL
     * as its own (the parent's attributes are restored only after all its entries exist); so a file created in it gets
     * what a file created in the parent got. This spares a {@code statx} and a {@code flistxattr} per directory, and
     * the {@code fchmod} and {@code fchown} of its first file.
     */
    private static Created inherited(Dir d) {
        for (Dir x = d; x != null; x = x.made ? x.parent : null) {
            Created k = x.created;
            if (k != null) {
                if (x != d) {
                    d.created = k;
                }
                return k;
            }
        }
        return null;
    }

    /** What the kernel gave {@code fd}, just created 0600 in {@code d}: remembered for the directory's other files. */
    private Created learn(HostFs own, Dir d, int fd, Supplier<String> where) throws IOException {
        Created k;
        try {
            FileStat st = own.stat(fd, "stat");
            k = new Created(st.uid(), st.gid(), umask >= 0 && st.mode() == (0600 & ~umask) && !defaultAcl(own, d));
        } catch (PosixException x) {
            throw new IOException(where.get() + ": " + x.reason(), x);
        }
        d.created = k;
        return k;
    }

    /** Whether {@code d} has a default ACL (which, not the umask, then masks new files' modes); true when unsure. */
    private static boolean defaultAcl(HostFs own, Dir d) {
        try {
            for (Xattr x : own.xattrs(d.fd, "xattrs")) {
                if (java.util.Arrays.equals(x.name(), DEFAULT_ACL)) {
                    return true;
                }
            }
            return false;
        } catch (PosixException x) {
            return true;
        }
    }

    private static final byte[] DEFAULT_ACL = "system.posix_acl_default".getBytes(
            java.nio.charset.StandardCharsets.US_ASCII);

    /** The umask, from {@code /proc/self/status} (reading it with {@code umask(2)} would change it meanwhile). */
    private static int umask() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("Umask:")) {
                    return Integer.parseInt(line.substring(6).strip(), 8) & 0777;
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown: every file gets its mode by fchmod
        }
        return -1;
    }

    /** Writes one blob (or names its damage) at every place of the batch's files that holds it. */
    private void fill(HostFs own, Batch b, PackRuns.Wanted blob, byte[] data, String problem) throws IOException {
        for (Use u : b.uses.get(blob.id())) {
            Piece p = u.piece();
            if (data == null) {
                damage(u.job().get() + " bytes " + p.offset() + "+" + p.length() + ": " + problem);
                continue;
            }
            if (u.job().fd < 0) {
                continue;
            }
            try {
                own.write(u.job().fd, p.offset(), data, p.blobOffset(), p.length(), "write");
            } catch (PosixException x) {
                throw new IOException(u.job().get() + ": " + x.reason(), x);
            }
            u.job().end.accumulateAndGet(p.end(), Math::max);
            u.job().piecesLeft.decrementAndGet();
            bytesWritten.addAndGet(p.length());
        }
    }

    /**
     * Sets each file's length, owner, permissions, attributes and times, and closes it. Once the restore failed (a full
     * disk), a file whose data was all written still gets them, and one that was not is left 0600 with the restore's
     * times, so that nothing with its backed-up permissions and times is half-written (it kept 0600 when whole, or
     * got its permissions at creation when not).
     */
    private void finish(HostFs own, Batch b, int from, int to) {
        for (int i = from; i < to; i++) {
            Job job = b.jobs.get(i);
            if (job.fd < 0) {
                continue;
            }
            try {
                if (going() || job.piecesLeft.get() == 0) {
                    metadata(own, job);
                } else {
                    incomplete.incrementAndGet();
                    if (job.modeKept) {
                        own.chmod(job.fd, 0600, "chmod");
                    }
                }
            } catch (PosixException x) {
                fail(new IOException(job.get() + ": " + x.reason(), x));
            } catch (IOException x) {
                fail(x);
            } finally {
                own.close(job.fd);
            }
        }
    }

    /** A written file's length, owner, permissions, attributes and times. */
    private void metadata(HostFs own, Job job) throws IOException {
        TreeNode e = job.node;
        try {
            if (job.end.get() != e.size()) { // a hole or damage at the end: the length still as it was
                own.truncate(job.fd, e.size(), "truncate");
            }
            if (!job.ownerKept) {
                owner(own, job.fd, e);
            }
            if (!job.modeKept) {
                own.chmod(job.fd, e.mode(), "chmod");
            }
            xattrs(own, job.fd, e);
            own.setTimes(job.fd, e.mtimeSec(), e.mtimeNsec(), e.mtimeSec(), e.mtimeNsec(), "utimes");
        } catch (PosixException x) {
            throw new IOException(job.get() + ": " + x.reason(), x);
        }
    }

    // ---- metadata and messages ------------------------------------------------------------------------------------

    private void owner(HostFs with, int fd, TreeNode e) throws PosixException {
        if (!chown) {
            return;
        }
        try {
            with.chown(fd, e.uid(), e.gid(), "chown");
        } catch (PosixException x) {
            chownFailed(x);
        }
    }

    private void xattrs(HostFs with, int fd, TreeNode e) {
        for (Xattr x : e.xattrs()) {
            try {
                with.setXattr(fd, x.name(), x.value(), "setxattr");
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

    /** Entries of the backup not restored (see {@link FileRestoreResult#leftOut}). */
    private long leftOut;

    private synchronized void leftOut() {
        leftOut++;
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

    private static String kind(FileType t) {
        return t.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    private String where() {
        return FileSelection.display(path);
    }
}
