package dev.hyperlab.core.backup;

import dev.hyperlab.core.json.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The repository lock: a file under {@code locks/} per process using the repository. Backups, restores and checks
 * take shared locks (they only add files, or only read); prune takes an exclusive one, since it removes files others
 * may be about to use. Two processes therefore never corrupt the repository: the worst a race does is make both
 * back off.
 *
 * <p>Acquiring: remove stale locks, write ours, then look again; if a conflicting live lock is there, ours is removed
 * and the operation refused with the holder named.
 *
 * <p>A lock is stale, and removed by the next operation (which reports it), in two cases, as in restic:
 * <ul>
 *   <li>it was not refreshed for {@link #STALE_AFTER} (restic's 30 minutes), whatever host holds it: a process
 *       killed on another host, whose process table no one here can see, leaves a lock that stops counting after
 *       that long. A live lock is rewritten every {@link #REFRESH_EVERY} (restic's 5 minutes) by a daemon thread of
 *       its holder, so it never gets near the limit;
 *   <li>its process is provably dead: it ran on this host in this boot and no process with its pid and start time
 *       exists, so a kill on this host is cleared at once, not after 30 minutes.
 * </ul>
 * A lock's time comes from a {@link Clock} the repository is given (tests pass their own): it is the wall clock by
 * default, since locks are about real processes; nothing of it reaches a backup or any lab result. Object stores have
 * no rename, and files are never modified in place: a refresh writes the lock again under a new name (its content,
 * with the new time, names it), then removes the old one, as restic's refresh does.
 */
final class RepositoryLock implements AutoCloseable {
    /** restic's {@code StaleLockTimeout}: a lock not refreshed for this long protects no one. */
    static final Duration STALE_AFTER = Duration.ofMinutes(30);
    /** restic's refresh interval: a sixth of {@link #STALE_AFTER}, so a few failed refreshes still keep a lock live. */
    static final Duration REFRESH_EVERY = Duration.ofMinutes(5);
    /** How often the refresher looks at the clock (the clock decides when a refresh is due). */
    static final Duration LOOK_EVERY = Duration.ofSeconds(10);

    private static final AtomicLong SEQ = new AtomicLong();

    private final Backend backend;
    private final Clock clock;
    private final Map<String, Object> json;
    private final List<String> removedStale;
    private final Thread refresher;
    /** The lock file's current name, and when it was written (clock millis); guarded by this. */
    private String name;
    private long written;
    private boolean closed;

    private RepositoryLock(Backend backend, Clock clock, Map<String, Object> json, String name, long written,
            List<String> removedStale, Duration lookEvery) {
        this.backend = backend;
        this.clock = clock;
        this.json = json;
        this.name = name;
        this.written = written;
        this.removedStale = removedStale;
        this.refresher = Thread.ofPlatform().daemon().name("repository-lock-refresh").unstarted(() -> keepFresh(
                lookEvery));
        refresher.start();
    }

    /**
     * Takes a lock for {@code operation}, its time from {@code clock}, refreshed while it is held.
     *
     * @throws RepositoryException naming the holder when a conflicting live lock exists
     */
    static RepositoryLock acquire(Backend backend, boolean exclusive, String operation, Clock clock)
            throws IOException {
        return acquire(backend, exclusive, operation, clock, LOOK_EVERY);
    }

    /** {@link #acquire(Backend, boolean, String, Clock)}, its refresher looking at the clock every {@code lookEvery}. */
    static RepositoryLock acquire(Backend backend, boolean exclusive, String operation, Clock clock,
            Duration lookEvery) throws IOException {
        List<String> removed = removeStale(backend, clock);
        check(backend, exclusive, null, clock);
        ProcessHandle self = ProcessHandle.current();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("pid", self.pid());
        json.put("started", startOf(self).orElse(0L));
        json.put("host", host());
        json.put("boot", bootId());
        json.put("exclusive", exclusive);
        json.put("operation", operation);
        json.put("seq", SEQ.incrementAndGet());
        long now = clock.millis();
        String name = write(backend, json, now);
        try {
            check(backend, exclusive, name, clock);
        } catch (IOException | RuntimeException e) {
            backend.remove(FileKind.LOCK, name);
            throw e;
        }
        return new RepositoryLock(backend, clock, json, name, now, removed, lookEvery);
    }

    /** Saves the lock with time {@code time}; returns its name (the pid, then a hash of the content). */
    private static String write(Backend backend, Map<String, Object> json, long time) throws IOException {
        json.put("time", time);
        byte[] content = Json.write(json);
        String name = json.get("pid") + "-" + ObjectId.sha256(content).shortHex();
        try {
            backend.save(FileKind.LOCK, name, content);
        } catch (java.nio.file.AccessDeniedException e) {
            // the JDK's message is the file's path alone
            throw new RepositoryException("cannot lock the repository: permission denied writing " + e.getFile()
                    + " (a backup, restore or check needs write access to the repository's locks/ and tmp/)", e);
        }
        return name;
    }

    private void keepFresh(Duration lookEvery) {
        while (true) {
            try {
                Thread.sleep(lookEvery);
            } catch (InterruptedException e) {
                return; // closed
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (clock.millis() - written >= REFRESH_EVERY.toMillis()) {
                    try {
                        refresh();
                    } catch (IOException | RuntimeException e) {
                        // tried again at the next look; the lock stays valid for STALE_AFTER since its last write
                    }
                }
            }
        }
    }

    /** Writes the lock again with the clock's time, under its new name, then removes the old file. */
    synchronized void refresh() throws IOException {
        long now = clock.millis();
        String fresh = write(backend, json, now);
        String old = name;
        name = fresh;
        written = now;
        if (!old.equals(fresh)) {
            backend.remove(FileKind.LOCK, old);
        }
    }

    /** Messages about stale locks removed while acquiring. */
    List<String> removedStale() {
        return removedStale;
    }

    private static void check(Backend backend, boolean exclusive, String own, Clock clock) throws IOException {
        for (LockInfo other : list(backend, clock)) {
            if (other.name().equals(own) || other.stale()) {
                continue;
            }
            if (exclusive || other.exclusive()) {
                throw new RepositoryException("repository is locked by process " + other.pid() + " on " + other.host()
                        + " (" + other.operation() + "); try again when it has finished");
            }
        }
    }

    /** Every lock file, with staleness decided; unreadable lock files are reported as stale ones of pid 0. */
    static List<LockInfo> list(Backend backend, Clock clock) throws IOException {
        // a lock that vanishes between the listing and its reading was released, or refreshed under a new name that
        // the listing may have missed: list again, so a refresh never hides a live lock
        for (int attempt = 1; ; attempt++) {
            List<LockInfo> locks = new ArrayList<>();
            if (read(backend, clock, locks) || attempt == LIST_ATTEMPTS) {
                return locks;
            }
        }
    }

    /** Listings tried while lock files vanish under them; a refresh happens once per 5 minutes, so two suffice. */
    private static final int LIST_ATTEMPTS = 3;

    /** Reads every listed lock into {@code locks}; false when one vanished before it was read. */
    private static boolean read(Backend backend, Clock clock, List<LockInfo> locks) throws IOException {
        long now = clock.millis();
        String host = host();
        String boot = bootId();
        boolean whole = true;
        for (String n : backend.list(FileKind.LOCK)) {
            try {
                byte[] data = backend.load(FileKind.LOCK, n);
                Map<?, ?> j = DocumentFields.object(DocumentFields.parse(data, "lock " + n), "lock " + n);
                long pid = DocumentFields.longField(j, "pid", "lock " + n);
                long started = DocumentFields.longField(j, "started", "lock " + n);
                String lockHost = DocumentFields.field(j, "host", String.class, "lock " + n);
                String lockBoot = DocumentFields.field(j, "boot", String.class, "lock " + n);
                // a lock written before locks carried their time has none: only its process can make it stale
                long time = j.containsKey("time") ? DocumentFields.longField(j, "time", "lock " + n) : now;
                boolean expired = now - time > STALE_AFTER.toMillis();
                boolean dead = lockHost.equals(host) && (!lockBoot.equals(boot) || !alive(pid, started));
                locks.add(new LockInfo(n, pid, lockHost, DocumentFields.field(j, "exclusive", Boolean.class, "lock " + n),
                        DocumentFields.field(j, "operation", String.class, "lock " + n), expired || dead,
                        j.containsKey("time") ? time : 0, expired && !dead));
            } catch (NoSuchFileException gone) {
                whole = false;
            } catch (RepositoryException e) {
                // a lock file is written atomically, so an unreadable one was damaged on disk: it protects no one
                locks.add(new LockInfo(n, 0, "?", false, "unreadable lock file", true, 0, false));
            }
        }
        return whole;
    }

    /** Removes stale locks; returns one message per lock removed. */
    static List<String> removeStale(Backend backend, Clock clock) throws IOException {
        List<String> removed = new ArrayList<>();
        long now = clock.millis();
        for (LockInfo l : list(backend, clock)) {
            if (l.stale()) {
                backend.remove(FileKind.LOCK, l.name());
                removed.add(l.expired()
                        ? "removed stale lock of process " + l.pid() + " on " + l.host() + " (" + l.operation()
                                + "), not refreshed for " + (now - l.time()) / 60_000 + " min (a lock expires after "
                                + STALE_AFTER.toMinutes() + ")"
                        : "removed stale lock of process " + l.pid() + " (" + l.operation() + "), which is no longer"
                                + " running");
            }
        }
        return removed;
    }

    private static boolean alive(long pid, long started) {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) {
            return false;
        }
        // a recycled pid belongs to a process that started later
        return started == 0 || startOf(p.get()).map(s -> s == started).orElse(true);
    }

    private static Optional<Long> startOf(ProcessHandle p) {
        return p.info().startInstant().map(java.time.Instant::toEpochMilli);
    }

    /** This host's name, looked up once: the lookup may ask a resolver, and the name does not change under us. */
    static String host() {
        return Identity.HOST;
    }

    private static String bootId() {
        return Identity.BOOT;
    }

    /** Host name and boot id, read on first use. */
    private static final class Identity {
        static final String HOST = lookupHost();
        static final String BOOT = readBootId();

        /**
         * The kernel's host name (what {@code InetAddress.getLocalHost().getHostName()} returns too, as locks written
         * before said). Not asked of InetAddress first: its first use looks for a resolver provider with a
         * ServiceLoader over the whole class path, which opened and indexed every jar of the launcher's (24,000
         * entries) in every backup, restore, check and prune, and may then wait on a name server (issue 15).
         */
        private static String lookupHost() {
            try {
                String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).strip();
                if (!name.isEmpty()) {
                    return name;
                }
            } catch (IOException | RuntimeException e) {
                // not Linux: ask the resolver
            }
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
            }
        }

        private static String readBootId() {
            try {
                return Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII).strip();
            } catch (IOException | RuntimeException e) {
                return "unknown";
            }
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            closed = true;
        }
        refresher.interrupt();
        try {
            refresher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            backend.remove(FileKind.LOCK, name);
        }
    }
}
