package dev.hyperlab.core.backup;

import dev.hyperlab.core.hostfs.FileSource;
import dev.hyperlab.core.hostfs.FileStat;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Supplier;

/**
 * The {@code statx} of a directory's entries made on a second thread while the walk works through them, so that an
 * unchanged backup's walk, most of whose time is those calls, has two cores for them. Each entry is stat-ed once,
 * by whichever thread claims it first: the walk claims the entry it is at (or waits for the one this thread is
 * making), this thread claims the entries after it, newest directory first. What the walk gets for an entry is a
 * stat of that name made while the walk was in its directory, as when it made the call itself, so the trees, the
 * counts and the warnings are those of a walk on one thread; only the moment of each call differs, as it does from
 * run to run. Names the walk will exclude are never stat-ed here, and a directory's descriptor is not closed while
 * this thread may still use it ({@link #end}). While no directory waits, it helps load the parent's trees.
 */
final class StatAhead implements AutoCloseable {
    private static final int FREE = 0;
    private static final int CLAIMED = 1;
    private static final int DONE = 2;

    /** One directory's entries: {@code names[i]} null for a name the walk excludes. */
    static final class Batch {
        private final int fd;
        private final byte[][] names;
        private final FileStat[] stats;
        private final Throwable[] errors;
        private final AtomicIntegerArray state;
        /** Set by the walk when it leaves the directory; with {@link #inside}, keeps its descriptor safe. */
        private volatile boolean closed;
        private volatile boolean inside;

        private Batch(int fd, byte[][] names) {
            this.fd = fd;
            this.names = names;
            this.stats = new FileStat[names.length];
            this.errors = new Throwable[names.length];
            this.state = new AtomicIntegerArray(names.length);
        }
    }

    private final LinkedBlockingDeque<Batch> queue = new LinkedBlockingDeque<>();
    private final Thread worker;

    /** Other work of the walk this thread takes when no directory waits (the parent's trees to load), or null. */
    private final Supplier<Runnable> idle;

    /**
     * Starts the thread, with its own instance of {@code fs} ({@link FileSource#another}); {@code idle} gives it
     * work while it has no entries to stat (null when none), each piece of which must be safe to run on any thread.
     */
    StatAhead(FileSource fs, Supplier<Runnable> idle) {
        this.idle = idle;
        this.worker = Thread.ofPlatform().daemon().name("file-backup-stat").start(() -> run(fs));
    }

    /** The newest directory waiting; else, running what {@link #idle} gives, until one waits. */
    private Batch next() throws InterruptedException {
        while (true) {
            Batch b = queue.pollFirst();
            if (b != null) {
                return b;
            }
            Runnable work = idle == null ? null : idle.get();
            if (work == null) {
                return queue.takeFirst();
            }
            work.run();
        }
    }

    private void run(FileSource fs) {
        FileSource own;
        try {
            own = fs.another();
        } catch (IOException | RuntimeException e) {
            own = null;
        }
        if (own == null) {
            return; // the walk stats everything itself
        }
        try {
            while (true) {
                Batch b = next();
                b.inside = true;
                try {
                    for (int i = 0; i < b.names.length && !b.closed; i++) {
                        if (b.names[i] != null && b.state.compareAndSet(i, FREE, CLAIMED)) {
                            try {
                                b.stats[i] = own.stat(b.fd, b.names[i], "stat");
                            } catch (Throwable t) { // whatever it is, the walk gets it (and never waits forever)
                                b.errors[i] = t;
                            }
                            b.state.set(i, DONE);
                        }
                    }
                } finally {
                    b.inside = false;
                }
            }
        } catch (InterruptedException e) {
            // closed
        } finally {
            if (own instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    // nothing left to do with it
                }
            }
        }
    }

    /** Begins stat-ing the entries {@code names} of open directory {@code fd}; excluded ones null. */
    Batch begin(int fd, List<byte[]> names) {
        Batch b = new Batch(fd, names.toArray(new byte[0][]));
        queue.offerFirst(b);
        return b;
    }

    /** The stat of entry {@code i} of {@code b}: made here with {@code fs} unless this thread made or is making it. */
    FileStat stat(Batch b, int i, FileSource fs) throws IOException {
        if (b.state.compareAndSet(i, FREE, CLAIMED)) {
            return fs.stat(b.fd, b.names[i], "stat");
        }
        for (int spins = 0; b.state.get(i) != DONE; spins++) {
            pause(spins);
        }
        switch (b.errors[i]) {
            case null -> {
                return b.stats[i];
            }
            case IOException e -> throw e;
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException(b.errors[i]);
        }
    }

    /** The walk leaves {@code b}'s directory: returns once this thread no longer uses its descriptor. */
    void end(Batch b) {
        b.closed = true;
        queue.remove(b);
        for (int spins = 0; b.inside; spins++) {
            pause(spins);
        }
    }

    /** A wait of one call's length: spinning, then giving the core away (the other thread may be off it). */
    private static void pause(int spins) {
        if (spins < 200) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    @Override
    public void close() {
        stop(worker);
    }

    /** Interrupts a walk's helper thread and waits for it to end (FileBackup's tree loader too). */
    static void stop(Thread worker) {
        worker.interrupt();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
