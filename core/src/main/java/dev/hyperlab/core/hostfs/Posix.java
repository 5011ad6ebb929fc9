package dev.hyperlab.core.hostfs;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The C library calls file backups and restores make, each linked on first use through java.lang.foreign (Linux,
 * glibc, x86-64 or AArch64). Java's file API cannot do what a file backup needs: names are bytes on Linux, and a
 * {@code Path} built from a {@code String} re-encodes them with {@code sun.jnu.encoding} (the locale's charset, which
 * {@code -Dsun.jnu.encoding} no longer overrides), so a name that is not valid UTF-8 cannot be read back; nor does it
 * reach the {@code *at} calls that keep a restore inside its target, all extended attribute namespaces, {@code mknod},
 * {@code lchown} or the change time. Every call here takes names as NUL-terminated byte arrays.
 *
 * <p>Calls are linked {@code critical} with heap access, so byte arrays are passed without copying: they are the
 * short system calls of a walk (a stat, an open, one directory block, one read of at most a few MiB from the page
 * cache), during which the garbage collector waits. {@code errno} is captured after each call.
 */
final class Posix {
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_NOCTTY = 0400;
    static final int O_NONBLOCK = 04000;
    static final int O_NOATIME = 01000000;
    static final int O_CLOEXEC = 02000000;
    static final int O_PATH = 010000000;
    /** {@code O_DIRECTORY} and {@code O_NOFOLLOW} differ between x86-64 and the generic (AArch64) ABI. */
    static final int O_DIRECTORY;
    static final int O_NOFOLLOW;

    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_REMOVEDIR = 0x200;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int STATX_BASIC_STATS = 0x7ff;
    static final int SEEK_DATA = 3;
    static final int SEEK_HOLE = 4;
    static final int XATTR_CREATE = 1;
    static final long UTIME_OMIT = (1L << 30) - 2;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int ENXIO = 6;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int ERANGE = 34;
    static final int ENOSYS = 38;
    static final int ELOOP = 40;
    static final int ENODATA = 61;
    static final int EOPNOTSUPP = 95;

    private static final ValueLayout I = ValueLayout.JAVA_INT;
    private static final ValueLayout L = ValueLayout.JAVA_LONG;
    private static final ValueLayout A = ValueLayout.ADDRESS;

    /** Why the calls are unavailable, or empty when they can be linked. */
    static final Optional<String> UNAVAILABLE;

    static {
        String arch = System.getProperty("os.arch", "");
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        O_DIRECTORY = x86 ? 0200000 : 040000;
        O_NOFOLLOW = x86 ? 0400000 : 0100000;

        String why = null;
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            why = "file backups need Linux (this is " + System.getProperty("os.name") + ")";
        } else if (!x86 && !arch.equals("aarch64")) {
            why = "file backups need x86-64 or AArch64 Linux (this is " + arch + ")";
        } else {
            try {
                Linker.nativeLinker(); // throws on an architecture the FFM API does not support
                // a module not granted native access may be refused linking (--illegal-native-access=deny): only then
                // is a call linked now, to find out
                if (!Posix.class.getModule().isNativeAccessEnabled()) {
                    MethodHandle linked = Close.H;
                }
            } catch (RuntimeException | Error e) {
                why = "file backups cannot reach the C library (" + e.getMessage() + "; the JVM needs"
                        + " --enable-native-access=ALL-UNNAMED)";
            }
        }
        UNAVAILABLE = Optional.ofNullable(why);
    }

    private Posix() {}

    /*
     * Each call is linked when first made, in its own holder class (as core's Libc does): linking spins method handles
     * and a stub class per call, which no AOT cache holds. Linking all thirty when the class loaded cost every file
     * backup or restore command; now each command links only the calls it makes (about 0.15 CPU-s less per command,
     * docs/performance.md, issue 18). Callers check UNAVAILABLE first; glibc 2.28 and later has every symbol here.
     */
    private static final class Native {
        static final Linker LINKER = Linker.nativeLinker();
        static final SymbolLookup LIBC = LINKER.defaultLookup();
        static final MemoryLayout CALL_STATE = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

        private static MemorySegment find(String name) {
            return LIBC.find(name).orElseThrow(() -> new IllegalStateException("the C library lacks " + name));
        }

        /** A critical downcall that captures errno; {@code variadic} is the first variadic argument's index, or -1. */
        static MethodHandle call(String name, FunctionDescriptor fd, int variadic) {
            MemorySegment fn = find(name);
            return variadic < 0
                    ? LINKER.downcallHandle(fn, fd, Linker.Option.captureCallState("errno"),
                            Linker.Option.critical(true))
                    : LINKER.downcallHandle(fn, fd, Linker.Option.captureCallState("errno"),
                            Linker.Option.critical(true), Linker.Option.firstVariadicArg(variadic));
        }

        /** A plain downcall: name look-ups may read /etc or ask a directory service, so not critical. */
        static MethodHandle plain(String name, FunctionDescriptor fd) {
            return LINKER.downcallHandle(find(name), fd);
        }
    }

    static final class Openat {
        static final MethodHandle H = Native.call("openat", FunctionDescriptor.of(I, I, A, I, I), 3);
    }

    static final class Close {
        static final MethodHandle H = Native.call("close", FunctionDescriptor.of(I, I), -1);
    }

    static final class Statx {
        static final MethodHandle H = Native.call("statx", FunctionDescriptor.of(I, I, A, I, I, A), -1);
    }

    static final class Getdents64 {
        static final MethodHandle H = Native.call("getdents64", FunctionDescriptor.of(L, I, A, L), -1);
    }

    static final class Pread {
        static final MethodHandle H = Native.call("pread", FunctionDescriptor.of(L, I, A, L, L), -1);
    }

    static final class Pwrite {
        static final MethodHandle H = Native.call("pwrite", FunctionDescriptor.of(L, I, A, L, L), -1);
    }

    static final class Lseek {
        static final MethodHandle H = Native.call("lseek", FunctionDescriptor.of(L, I, L, I), -1);
    }

    static final class Ftruncate {
        static final MethodHandle H = Native.call("ftruncate", FunctionDescriptor.of(I, I, L), -1);
    }

    static final class Readlinkat {
        static final MethodHandle H = Native.call("readlinkat", FunctionDescriptor.of(L, I, A, A, L), -1);
    }

    static final class Flistxattr {
        static final MethodHandle H = Native.call("flistxattr", FunctionDescriptor.of(L, I, A, L), -1);
    }

    static final class Fgetxattr {
        static final MethodHandle H = Native.call("fgetxattr", FunctionDescriptor.of(L, I, A, A, L), -1);
    }

    static final class Fsetxattr {
        static final MethodHandle H = Native.call("fsetxattr", FunctionDescriptor.of(I, I, A, A, L, I), -1);
    }

    static final class Llistxattr {
        static final MethodHandle H = Native.call("llistxattr", FunctionDescriptor.of(L, A, A, L), -1);
    }

    static final class Lgetxattr {
        static final MethodHandle H = Native.call("lgetxattr", FunctionDescriptor.of(L, A, A, A, L), -1);
    }

    static final class Lsetxattr {
        static final MethodHandle H = Native.call("lsetxattr", FunctionDescriptor.of(I, A, A, A, L, I), -1);
    }

    static final class Mkdirat {
        static final MethodHandle H = Native.call("mkdirat", FunctionDescriptor.of(I, I, A, I), -1);
    }

    static final class Symlinkat {
        static final MethodHandle H = Native.call("symlinkat", FunctionDescriptor.of(I, A, I, A), -1);
    }

    static final class Linkat {
        static final MethodHandle H = Native.call("linkat", FunctionDescriptor.of(I, I, A, I, A, I), -1);
    }

    static final class Mknodat {
        static final MethodHandle H = Native.call("mknodat", FunctionDescriptor.of(I, I, A, I, L), -1);
    }

    static final class Unlinkat {
        static final MethodHandle H = Native.call("unlinkat", FunctionDescriptor.of(I, I, A, I), -1);
    }

    static final class Fchown {
        static final MethodHandle H = Native.call("fchown", FunctionDescriptor.of(I, I, I, I), -1);
    }

    static final class Fchownat {
        static final MethodHandle H = Native.call("fchownat", FunctionDescriptor.of(I, I, A, I, I, I), -1);
    }

    static final class Fchmod {
        static final MethodHandle H = Native.call("fchmod", FunctionDescriptor.of(I, I, I), -1);
    }

    static final class Fchmodat {
        static final MethodHandle H = Native.call("fchmodat", FunctionDescriptor.of(I, I, A, I, I), -1);
    }

    static final class Futimens {
        static final MethodHandle H = Native.call("futimens", FunctionDescriptor.of(I, I, A), -1);
    }

    static final class Utimensat {
        static final MethodHandle H = Native.call("utimensat", FunctionDescriptor.of(I, I, A, A, I), -1);
    }

    static final class Fstatfs {
        static final MethodHandle H = Native.call("fstatfs", FunctionDescriptor.of(I, I, A), -1);
    }

    static final class GetpwuidR {
        static final MethodHandle H = Native.plain("getpwuid_r", FunctionDescriptor.of(I, I, A, A, L, A));
    }

    static final class GetgrgidR {
        static final MethodHandle H = Native.plain("getgrgid_r", FunctionDescriptor.of(I, I, A, A, L, A));
    }

    static final class Strerror {
        static final MethodHandle H = Native.plain("strerror", FunctionDescriptor.of(A, I));
    }

    /** The errno a call left in {@code state} (a segment of {@link Linker.Option#captureStateLayout()}). */
    static int errno(MemorySegment state) {
        return (int) Native.ERRNO.get(state, 0L);
    }

    /** The C library's description of {@code errno}, lower-cased for a one-line message ("permission denied"). */
    static String describe(int errno) {
        try {
            MemorySegment s = (MemorySegment) Strerror.H.invokeExact(errno);
            String text = s.reinterpret(256).getString(0, StandardCharsets.UTF_8);
            return text.isEmpty() ? "error " + errno : Character.toLowerCase(text.charAt(0)) + text.substring(1);
        } catch (Throwable t) {
            return "error " + errno;
        }
    }
}
