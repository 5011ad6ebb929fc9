package dev.hyperlab.core.backup;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
 * and the operation refused with the holder named. A lock is stale when its process is provably dead: it ran on
 * this host in this boot and no process with its pid and start time exists. Killed processes' locks are therefore
 * removed by the next operation (and reported), never those of a process that is alive or on another host.
 */
final class RepositoryLock implements AutoCloseable {
    private static final AtomicLong SEQ = new AtomicLong();

    private final Backend backend;
    private final String name;
    private final List<String> removedStale;

    private RepositoryLock(Backend backend, String name, List<String> removedStale) {
        this.backend = backend;
        this.name = name;
        this.removedStale = removedStale;
    }

    /**
     * Takes a lock for {@code operation}.
     *
     * @throws RepositoryException naming the holder when a conflicting live lock exists
     */
    static RepositoryLock acquire(Backend backend, boolean exclusive, String operation) throws IOException {
        List<String> removed = removeStale(backend);
        check(backend, exclusive, null);
        ProcessHandle self = ProcessHandle.current();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("pid", self.pid());
        json.put("started", startOf(self).orElse(0L));
        json.put("host", host());
        json.put("boot", bootId());
        json.put("exclusive", exclusive);
        json.put("operation", operation);
        json.put("seq", SEQ.incrementAndGet());
        byte[] content = Json.write(json);
        String name = self.pid() + "-" + ObjectId.sha256(content).shortHex();
        backend.save(FileKind.LOCK, name, content);
        try {
            check(backend, exclusive, name);
        } catch (IOException | RuntimeException e) {
            backend.remove(FileKind.LOCK, name);
            throw e;
        }
        return new RepositoryLock(backend, name, removed);
    }

    /** Messages about stale locks removed while acquiring. */
    List<String> removedStale() {
        return removedStale;
    }

    private static void check(Backend backend, boolean exclusive, String own) throws IOException {
        for (LockInfo other : list(backend)) {
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
    static List<LockInfo> list(Backend backend) throws IOException {
        List<LockInfo> locks = new ArrayList<>();
        String host = host();
        String boot = bootId();
        for (String n : backend.list(FileKind.LOCK)) {
            try {
                byte[] data = backend.load(FileKind.LOCK, n);
                Map<?, ?> j = Json.object(Json.parse(data, "lock " + n), "lock " + n);
                long pid = Json.longField(j, "pid", "lock " + n);
                long started = Json.longField(j, "started", "lock " + n);
                String lockHost = Json.field(j, "host", String.class, "lock " + n);
                String lockBoot = Json.field(j, "boot", String.class, "lock " + n);
                boolean stale = lockHost.equals(host) && (!lockBoot.equals(boot) || !alive(pid, started));
                locks.add(new LockInfo(n, pid, lockHost, Json.field(j, "exclusive", Boolean.class, "lock " + n),
                        Json.field(j, "operation", String.class, "lock " + n), stale));
            } catch (NoSuchFileException gone) {
                continue;
            } catch (RepositoryException e) {
                // a lock file is written atomically, so an unreadable one was damaged on disk: it protects no one
                locks.add(new LockInfo(n, 0, "?", false, "unreadable lock file", true));
            }
        }
        return locks;
    }

    /** Removes stale locks; returns one message per lock removed. */
    static List<String> removeStale(Backend backend) throws IOException {
        List<String> removed = new ArrayList<>();
        for (LockInfo l : list(backend)) {
            if (l.stale()) {
                backend.remove(FileKind.LOCK, l.name());
                removed.add("removed stale lock of process " + l.pid() + " (" + l.operation() + "), which is no longer"
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

        private static String lookupHost() {
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
        backend.remove(FileKind.LOCK, name);
    }
}
