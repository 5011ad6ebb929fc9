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
import java.util.Objects;

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

    static {
        boolean available = false;
        try {
            if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
                Linker.nativeLinker(); // throws on an architecture the FFM API does not support
                // a module not granted native access (no --enable-native-access) may be refused linking
                // (--illegal-native-access=deny): only then is a call linked now, to find out
                available = Libc.class.getModule().isNativeAccessEnabled() || Close.H != null;
            }
        } catch (RuntimeException | Error e) {
            available = false; // another OS or architecture: callers fall back
        }
        AVAILABLE = available;
    }

    /*
     * Each call is linked when first made, in its own holder class: linking spins method handles and a stub class per
     * call, which no AOT cache holds, and the first link of a JVM also sets up the linker itself (70 ms of CPU for the
     * five, every command, before this was lazy). `lab info` needs statx alone, a conversion open, fcntl, lseek and
     * close; SparseFiles.linkNativeCalls links ahead on a spare core what a command will need (docs/performance.md,
     * issue 15).
     */
    private static final class Native {
        static final Linker LINKER = Linker.nativeLinker();
        static final SymbolLookup LIBC = LINKER.defaultLookup();

        static MethodHandle link(String name, FunctionDescriptor fd, Linker.Option... options) {
            return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), fd, options);
        }
    }

    /** Where open and fcntl leave errno. */
    private static final class Errno {
        static final MemoryLayout CALL_STATE = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    }

    private static final class Open {
        static final MethodHandle H = Native.link("open",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                Linker.Option.captureCallState("errno"));
    }

    private static final class Close {
        static final MethodHandle H = Native.link("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private static final class Lseek {
        static final MethodHandle H = Native.link("lseek", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    }

    private static final class Fcntl {
        // int fcntl(int fd, int cmd, ...): the third argument (struct flock *) is variadic
        static final MethodHandle H = Native.link("fcntl", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS), Linker.Option.firstVariadicArg(2),
                Linker.Option.captureCallState("errno"));
    }

    private static final class Statx {
        // int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf): glibc 2.28+
        static final MethodHandle H = link();

        private static MethodHandle link() {
            try {
                return Native.LIBC.find("statx").map(s -> Native.LINKER.downcallHandle(s,
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS))).orElse(null);
            } catch (RuntimeException | Error e) {
                return null; // spaceTaken's callers then add up the data runs
            }
        }
    }

    /** Links {@code statx} now, and with {@code all} the other calls too (see {@link SparseFiles#linkNativeCalls}). */
    static void link(boolean all) {
        if (!AVAILABLE) return;
        try {
            hasStatx();
            if (all) {
                Objects.requireNonNull(Open.H);
                Objects.requireNonNull(Close.H);
                Objects.requireNonNull(Lseek.H);
                Objects.requireNonNull(Fcntl.H);
                Objects.requireNonNull(Errno.ERRNO);
            }
        } catch (RuntimeException | LinkageError e) {
            // a call that cannot be linked fails when it is made, naming the call (IllegalStateException)
        }
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
            MemorySegment state = arena.allocate(Errno.CALL_STATE);
            int fd = (int) Open.H.invokeExact(state, arena.allocateFrom(path), flags);
            return new Result(fd, fd < 0 ? errno(state) : 0);
        } catch (Throwable t) {
            throw new IllegalStateException("open(2) failed to run", t);
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) Close.H.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close(2) failed to run", t);
        }
    }

    static long lseek(int fd, long offset, int whence) {
        try {
            return (long) Lseek.H.invokeExact(fd, offset, whence);
        } catch (Throwable t) {
            throw new IllegalStateException("lseek(2) failed to run", t);
        }
    }

    /** {@code fcntl(fd, cmd, arg)} with a pointer argument (a struct flock). */
    static Result fcntl(int fd, int cmd, MemorySegment arg) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Errno.CALL_STATE);
            int r = (int) Fcntl.H.invokeExact(state, fd, cmd, arg);
            return new Result(r, r < 0 ? errno(state) : 0);
        } catch (Throwable t) {
            throw new IllegalStateException("fcntl(2) failed to run", t);
        }
    }

    /** Whether {@link #spaceTaken} can ask the kernel (a glibc with statx). */
    static boolean hasStatx() {
        return Statx.H != null;
    }

    /**
     * The bytes {@code path} takes on disk ({@code st_blocks} in 512-byte units, what {@code du} counts), or -1 when
     * the file cannot be read (gone, or not permitted). One system call, where reading its data map takes many: a lab
     * of 1,000 VMs sums a thousand of these for every {@code lab info}.
     */
    static long spaceTaken(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(STATX_SIZE, 8);
            int r = (int) Statx.H.invokeExact(AT_FDCWD, arena.allocateFrom(path), AT_SYMLINK_NOFOLLOW, STATX_BLOCKS, buf);
            if (r != 0 || (buf.get(ValueLayout.JAVA_INT, 0) & STATX_BLOCKS) == 0) return -1;
            return buf.get(ValueLayout.JAVA_LONG, STATX_BLOCKS_OFFSET) * 512;
        } catch (Throwable t) {
            throw new IllegalStateException("statx(2) failed to run", t);
        }
    }

    private static int errno(MemorySegment state) {
        return (int) Errno.ERRNO.get(state, 0L);
    }
}
