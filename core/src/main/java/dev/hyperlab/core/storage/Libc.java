package dev.hyperlab.core.storage;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * The few Linux system calls the storage code needs and Java's file API lacks ({@code lseek(SEEK_DATA/SEEK_HOLE)},
 * {@code fcntl(F_OFD_SETLK)}), reached through java.lang.foreign. {@link #AVAILABLE} is false on other systems or when
 * the JVM refuses native access; callers then fall back (and say what they lose).
 */
final class Libc {
    static final boolean AVAILABLE;
    static final int O_RDONLY = 0;
    static final int O_NOCTTY = 0400;
    static final int O_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;
    static final int ENOENT = 2;
    static final int EACCES = 13;
    static final int EAGAIN = 11;

    // struct statx (linux/stat.h): the same layout on every architecture; stx_mask is its first field
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int STATX_BLOCKS = 0x400;
    private static final long STATX_SIZE = 256;
    private static final long STATX_BLOCKS_OFFSET = 48;

    private static final MethodHandle OPEN;
    private static final MethodHandle CLOSE;
    private static final MethodHandle LSEEK;
    private static final MethodHandle FCNTL;
    private static final MethodHandle STATX;
    private static final MemoryLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    static {
        MethodHandle open = null, close = null, lseek = null, fcntl = null, statx = null;
        try {
            if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                Linker.Option errno = Linker.Option.captureCallState("errno");
                open = linker.downcallHandle(libc.find("open").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), errno);
                close = linker.downcallHandle(libc.find("close").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
                lseek = linker.downcallHandle(libc.find("lseek").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_INT));
                // int fcntl(int fd, int cmd, ...): the third argument (struct flock *) is variadic
                fcntl = linker.downcallHandle(libc.find("fcntl").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                                ValueLayout.ADDRESS), Linker.Option.firstVariadicArg(2), errno);
                // int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf): glibc 2.28+
                statx = libc.find("statx").map(s -> linker.downcallHandle(s, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS))).orElse(null);
            }
        } catch (RuntimeException | Error e) {
            open = null; // another OS or architecture, or native access denied: callers fall back
        }
        AVAILABLE = open != null;
        OPEN = open;
        CLOSE = close;
        LSEEK = lseek;
        FCNTL = fcntl;
        STATX = statx;
    }

    private Libc() {}

    /** The outcome of a call: its return value and, when that is negative, errno. */
    record Result(long value, int errno) {
        boolean failed() {
            return value < 0;
        }
    }

    static Result open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags);
            return new Result(fd, fd < 0 ? errno(state) : 0);
        } catch (Throwable t) {
            throw new IllegalStateException("open(2) failed to run", t);
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close(2) failed to run", t);
        }
    }

    static long lseek(int fd, long offset, int whence) {
        try {
            return (long) LSEEK.invokeExact(fd, offset, whence);
        } catch (Throwable t) {
            throw new IllegalStateException("lseek(2) failed to run", t);
        }
    }

    /** {@code fcntl(fd, cmd, arg)} with a pointer argument (a struct flock). */
    static Result fcntl(int fd, int cmd, MemorySegment arg) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int r = (int) FCNTL.invokeExact(state, fd, cmd, arg);
            return new Result(r, r < 0 ? errno(state) : 0);
        } catch (Throwable t) {
            throw new IllegalStateException("fcntl(2) failed to run", t);
        }
    }

    /** Whether {@link #spaceTaken} can ask the kernel (a glibc with statx). */
    static boolean hasStatx() {
        return STATX != null;
    }

    /**
     * The bytes {@code path} takes on disk ({@code st_blocks} in 512-byte units, what {@code du} counts), or -1 when
     * the file cannot be read (gone, or not permitted). One system call, where reading its data map takes many: a lab
     * of 1,000 VMs sums a thousand of these for every {@code lab info}.
     */
    static long spaceTaken(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(STATX_SIZE, 8);
            int r = (int) STATX.invokeExact(AT_FDCWD, arena.allocateFrom(path), AT_SYMLINK_NOFOLLOW, STATX_BLOCKS, buf);
            if (r != 0 || (buf.get(ValueLayout.JAVA_INT, 0) & STATX_BLOCKS) == 0) return -1;
            return buf.get(ValueLayout.JAVA_LONG, STATX_BLOCKS_OFFSET) * 512;
        } catch (Throwable t) {
            throw new IllegalStateException("statx(2) failed to run", t);
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
