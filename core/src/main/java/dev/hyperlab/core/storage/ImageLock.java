package dev.hyperlab.core.storage;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The lock an open image holds on its file, the same QEMU takes (block/file-posix.c, {@code raw_apply_lock_bytes} and
 * {@code raw_check_lock_bytes}), so that hyperlab and QEMU's tools see each other: Linux open file description (OFD)
 * read locks on single bytes. For each block-layer permission the opener uses it locks byte 100 + bit; for each it
 * does not share with others, byte 200 + bit. The permissions are QEMU's BLK_PERM bits: 0 consistent read, 1 write,
 * 2 write unchanged, 3 resize. Then it tests the opposite bytes: a permission it uses that someone else does not share
 * (their byte 200 + bit), or one it does not share that someone else uses (their byte 100 + bit), refuses the open
 * with QEMU's words, "failed to get "write" lock".
 *
 * <p>Why OFD locks: they belong to an open file description, not to the process, so two opens in one process (two
 * labs, or a lab and a test) exclude each other as two processes do, and closing one descriptor of the file does not
 * drop the locks of another, as process-associated POSIX locks ({@code FileChannel.lock}) would. QEMU uses them, so a
 * FileChannel lock would not be seen by QEMU at all.
 *
 * <p>The lock has its own descriptor, opened first; the image's channel is then opened through
 * {@code /proc/self/fd/N} ({@link #file()}), so the bytes read and written are those of the inode that is locked, even
 * if the path is renamed in between. Where native calls are unavailable (another OS, native access denied) images
 * open unlocked, as they did before.
 */
public final class ImageLock implements AutoCloseable {
    private static final int F_OFD_GETLK = 36;
    private static final int F_OFD_SETLK = 37;
    private static final short F_RDLCK = 0;
    private static final short F_WRLCK = 1;
    private static final short F_UNLCK = 2;
    private static final int SEEK_SET = 0;
    private static final int PERM_BASE = 100;
    private static final int SHARED_BASE = 200;

    private static final int CONSISTENT_READ = 1;
    private static final int WRITE = 1 << 1;
    private static final int WRITE_UNCHANGED = 1 << 2;
    private static final int RESIZE = 1 << 3;
    private static final int ALL = CONSISTENT_READ | WRITE | WRITE_UNCHANGED | RESIZE;
    private static final String[] NAMES = {"consistent read", "write", "write unchanged", "resize"};

    /** {@code struct flock} on Linux (x86-64 and aarch64 alike). */
    private static final StructLayout FLOCK = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("l_type"), ValueLayout.JAVA_SHORT.withName("l_whence"),
            MemoryLayout.paddingLayout(4), ValueLayout.JAVA_LONG.withName("l_start"),
            ValueLayout.JAVA_LONG.withName("l_len"), ValueLayout.JAVA_INT.withName("l_pid"), MemoryLayout.paddingLayout(4));
    private static final long L_TYPE = FLOCK.byteOffset(MemoryLayout.PathElement.groupElement("l_type"));
    private static final long L_WHENCE = FLOCK.byteOffset(MemoryLayout.PathElement.groupElement("l_whence"));
    private static final long L_START = FLOCK.byteOffset(MemoryLayout.PathElement.groupElement("l_start"));
    private static final long L_LEN = FLOCK.byteOffset(MemoryLayout.PathElement.groupElement("l_len"));

    private final Path path;
    private final Path file;
    private int fd;

    private ImageLock(Path path, Path file, int fd) {
        this.path = path;
        this.file = file;
        this.fd = fd;
    }

    /**
     * Locks {@code path} as {@code mode} needs, or refuses with an {@link ImageLockedException} when another opener's
     * lock conflicts (nothing stays locked then). The lock lasts until {@link #close()}.
     */
    public static ImageLock acquire(Path path, OpenMode mode) throws IOException {
        RegularFiles.require(path); // a FIFO or device named by a hostile chain: refused with its kind, opening nothing
        if (!Libc.AVAILABLE) return new ImageLock(path, path, -1);
        Libc.Result open = Libc.open(path.toString(), Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC | Libc.O_NOCTTY);
        if (open.failed()) {
            throw switch (open.errno()) {
                case Libc.ENOENT -> new NoSuchFileException(path.toString());
                case Libc.EACCES -> new AccessDeniedException(path.toString());
                default -> new IOException(path + ": cannot open (errno " + open.errno() + ")");
            };
        }
        int fd = (int) open.value();
        try {
            Path same = Path.of("/proc/self/fd/" + fd);
            if (!Files.exists(same, LinkOption.NOFOLLOW_LINKS)) same = path; // no /proc: the path it is
            if (!Files.isRegularFile(same)) throw new ImageException(path + ": not a regular file");
            int perm = mode.writable() ? CONSISTENT_READ | WRITE | RESIZE : CONSISTENT_READ;
            int shared = mode == OpenMode.INSPECT ? ALL : ALL & ~(WRITE | RESIZE);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment lock = arena.allocate(FLOCK);
                for (int bit = 0; bit < NAMES.length; bit++) {
                    if ((perm & (1 << bit)) != 0) lockByte(path, fd, lock, PERM_BASE + bit);
                    if ((shared & (1 << bit)) == 0) lockByte(path, fd, lock, SHARED_BASE + bit);
                }
                for (int bit = 0; bit < NAMES.length; bit++) {
                    if ((perm & (1 << bit)) != 0 && heldElsewhere(path, fd, lock, SHARED_BASE + bit)) {
                        throw refused(path, "\"" + NAMES[bit] + "\"");
                    }
                }
                for (int bit = 0; bit < NAMES.length; bit++) {
                    if ((shared & (1 << bit)) == 0 && heldElsewhere(path, fd, lock, PERM_BASE + bit)) {
                        throw refused(path, "shared \"" + NAMES[bit] + "\"");
                    }
                }
            }
            return new ImageLock(path, same, fd);
        } catch (IOException | RuntimeException e) {
            Libc.close(fd); // drops whatever was locked
            throw e;
        }
    }

    private static ImageLockedException refused(Path path, String lock) {
        return new ImageLockedException(path + ": failed to get " + lock + " lock: another process is using the image "
                + "(a running VM, qemu-io, qemu-img or another lab)");
    }

    private static void set(MemorySegment lock, short type, int offset) {
        lock.fill((byte) 0);
        lock.set(ValueLayout.JAVA_SHORT, L_TYPE, type);
        lock.set(ValueLayout.JAVA_SHORT, L_WHENCE, (short) SEEK_SET);
        lock.set(ValueLayout.JAVA_LONG, L_START, offset);
        lock.set(ValueLayout.JAVA_LONG, L_LEN, 1);
    }

    private static void lockByte(Path path, int fd, MemorySegment lock, int offset) throws IOException {
        set(lock, F_RDLCK, offset);
        Libc.Result r = Libc.fcntl(fd, F_OFD_SETLK, lock);
        if (!r.failed()) return;
        if (r.errno() == Libc.EAGAIN || r.errno() == Libc.EACCES) {
            throw new ImageLockedException(path + ": failed to lock byte " + offset + ": another process holds it exclusively");
        }
        throw new IOException(path + ": cannot lock byte " + offset + " (errno " + r.errno() + ")");
    }

    /** Whether another open file description holds a lock on byte {@code offset} (ours never conflict with us). */
    private static boolean heldElsewhere(Path path, int fd, MemorySegment lock, int offset) throws IOException {
        set(lock, F_WRLCK, offset);
        Libc.Result r = Libc.fcntl(fd, F_OFD_GETLK, lock);
        if (r.failed()) throw new IOException(path + ": cannot test the lock on byte " + offset + " (errno " + r.errno() + ")");
        return lock.get(ValueLayout.JAVA_SHORT, L_TYPE) != F_UNLCK;
    }

    /** Where to open the image's own channel: the locked inode itself ({@code /proc/self/fd/N}) where possible. */
    public Path file() {
        return file;
    }

    /** The image's path as given (for messages). */
    public Path path() {
        return path;
    }

    /** Releases the lock (closing its descriptor drops every byte it held). */
    @Override
    public void close() {
        if (fd >= 0) {
            Libc.close(fd);
            fd = -1;
        }
    }
}
