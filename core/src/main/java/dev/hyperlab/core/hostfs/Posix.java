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
 * The C library calls file backups and restores make, linked once through java.lang.foreign (Linux, glibc, x86-64 or
 * AArch64). Java's file API cannot do what a file backup needs: names are bytes on Linux, and a {@code Path} built
 * from a {@code String} re-encodes them with {@code sun.jnu.encoding} (the locale's charset, which
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

    /** Why the calls are unavailable, or empty when they are linked. */
    static final Optional<String> UNAVAILABLE;

    static final MethodHandle OPENAT;
    static final MethodHandle CLOSE;
    static final MethodHandle STATX;
    static final MethodHandle GETDENTS64;
    static final MethodHandle PREAD;
    static final MethodHandle PWRITE;
    static final MethodHandle LSEEK;
    static final MethodHandle FTRUNCATE;
    static final MethodHandle READLINKAT;
    static final MethodHandle FLISTXATTR;
    static final MethodHandle FGETXATTR;
    static final MethodHandle FSETXATTR;
    static final MethodHandle LLISTXATTR;
    static final MethodHandle LGETXATTR;
    static final MethodHandle LSETXATTR;
    static final MethodHandle MKDIRAT;
    static final MethodHandle SYMLINKAT;
    static final MethodHandle LINKAT;
    static final MethodHandle MKNODAT;
    static final MethodHandle UNLINKAT;
    static final MethodHandle FCHOWN;
    static final MethodHandle FCHOWNAT;
    static final MethodHandle FCHMOD;
    static final MethodHandle FCHMODAT;
    static final MethodHandle FUTIMENS;
    static final MethodHandle UTIMENSAT;
    static final MethodHandle FSTATFS;
    static final MethodHandle GETPWUID_R;
    static final MethodHandle GETGRGID_R;
    static final MethodHandle STRERROR;

    private static final VarHandle ERRNO;

    static {
        String arch = System.getProperty("os.arch", "");
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        O_DIRECTORY = x86 ? 0200000 : 040000;
        O_NOFOLLOW = x86 ? 0400000 : 0100000;

        String why = null;
        MethodHandle[] h = new MethodHandle[30];
        VarHandle errno = null;
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            why = "file backups need Linux (this is " + System.getProperty("os.name") + ")";
        } else if (!x86 && !arch.equals("aarch64")) {
            why = "file backups need x86-64 or AArch64 Linux (this is " + arch + ")";
        } else {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                errno = Linker.Option.captureStateLayout().varHandle(MemoryLayout.PathElement.groupElement("errno"));
                ValueLayout i = ValueLayout.JAVA_INT;
                ValueLayout l = ValueLayout.JAVA_LONG;
                ValueLayout a = ValueLayout.ADDRESS;
                int k = 0;
                h[k++] = call(linker, libc, "openat", FunctionDescriptor.of(i, i, a, i, i), 3);
                h[k++] = call(linker, libc, "close", FunctionDescriptor.of(i, i), -1);
                h[k++] = call(linker, libc, "statx", FunctionDescriptor.of(i, i, a, i, i, a), -1);
                h[k++] = call(linker, libc, "getdents64", FunctionDescriptor.of(l, i, a, l), -1);
                h[k++] = call(linker, libc, "pread", FunctionDescriptor.of(l, i, a, l, l), -1);
                h[k++] = call(linker, libc, "pwrite", FunctionDescriptor.of(l, i, a, l, l), -1);
                h[k++] = call(linker, libc, "lseek", FunctionDescriptor.of(l, i, l, i), -1);
                h[k++] = call(linker, libc, "ftruncate", FunctionDescriptor.of(i, i, l), -1);
                h[k++] = call(linker, libc, "readlinkat", FunctionDescriptor.of(l, i, a, a, l), -1);
                h[k++] = call(linker, libc, "flistxattr", FunctionDescriptor.of(l, i, a, l), -1);
                h[k++] = call(linker, libc, "fgetxattr", FunctionDescriptor.of(l, i, a, a, l), -1);
                h[k++] = call(linker, libc, "fsetxattr", FunctionDescriptor.of(i, i, a, a, l, i), -1);
                h[k++] = call(linker, libc, "llistxattr", FunctionDescriptor.of(l, a, a, l), -1);
                h[k++] = call(linker, libc, "lgetxattr", FunctionDescriptor.of(l, a, a, a, l), -1);
                h[k++] = call(linker, libc, "lsetxattr", FunctionDescriptor.of(i, a, a, a, l, i), -1);
                h[k++] = call(linker, libc, "mkdirat", FunctionDescriptor.of(i, i, a, i), -1);
                h[k++] = call(linker, libc, "symlinkat", FunctionDescriptor.of(i, a, i, a), -1);
                h[k++] = call(linker, libc, "linkat", FunctionDescriptor.of(i, i, a, i, a, i), -1);
                h[k++] = call(linker, libc, "mknodat", FunctionDescriptor.of(i, i, a, i, l), -1);
                h[k++] = call(linker, libc, "unlinkat", FunctionDescriptor.of(i, i, a, i), -1);
                h[k++] = call(linker, libc, "fchown", FunctionDescriptor.of(i, i, i, i), -1);
                h[k++] = call(linker, libc, "fchownat", FunctionDescriptor.of(i, i, a, i, i, i), -1);
                h[k++] = call(linker, libc, "fchmod", FunctionDescriptor.of(i, i, i), -1);
                h[k++] = call(linker, libc, "fchmodat", FunctionDescriptor.of(i, i, a, i, i), -1);
                h[k++] = call(linker, libc, "futimens", FunctionDescriptor.of(i, i, a), -1);
                h[k++] = call(linker, libc, "utimensat", FunctionDescriptor.of(i, i, a, a, i), -1);
                h[k++] = call(linker, libc, "fstatfs", FunctionDescriptor.of(i, i, a), -1);
                // name look-ups may read /etc or ask a directory service: not critical, native buffers only
                h[k++] = linker.downcallHandle(libc.find("getpwuid_r").orElseThrow(),
                        FunctionDescriptor.of(i, i, a, a, l, a));
                h[k++] = linker.downcallHandle(libc.find("getgrgid_r").orElseThrow(),
                        FunctionDescriptor.of(i, i, a, a, l, a));
                h[k++] = linker.downcallHandle(libc.find("strerror").orElseThrow(), FunctionDescriptor.of(a, i));
            } catch (RuntimeException | Error e) {
                why = "file backups cannot reach the C library (" + e.getMessage() + "; the JVM needs"
                        + " --enable-native-access=ALL-UNNAMED)";
            }
        }
        UNAVAILABLE = Optional.ofNullable(why);
        int k = 0;
        OPENAT = h[k++];
        CLOSE = h[k++];
        STATX = h[k++];
        GETDENTS64 = h[k++];
        PREAD = h[k++];
        PWRITE = h[k++];
        LSEEK = h[k++];
        FTRUNCATE = h[k++];
        READLINKAT = h[k++];
        FLISTXATTR = h[k++];
        FGETXATTR = h[k++];
        FSETXATTR = h[k++];
        LLISTXATTR = h[k++];
        LGETXATTR = h[k++];
        LSETXATTR = h[k++];
        MKDIRAT = h[k++];
        SYMLINKAT = h[k++];
        LINKAT = h[k++];
        MKNODAT = h[k++];
        UNLINKAT = h[k++];
        FCHOWN = h[k++];
        FCHOWNAT = h[k++];
        FCHMOD = h[k++];
        FCHMODAT = h[k++];
        FUTIMENS = h[k++];
        UTIMENSAT = h[k++];
        FSTATFS = h[k++];
        GETPWUID_R = h[k++];
        GETGRGID_R = h[k++];
        STRERROR = h[k++];
        ERRNO = errno;
    }

    private Posix() {}

    /** A critical downcall that captures errno; {@code variadic} is the first variadic argument's index, or -1. */
    private static MethodHandle call(Linker linker, SymbolLookup libc, String name, FunctionDescriptor fd,
            int variadic) {
        MemorySegment fn = libc.find(name).orElseThrow(() -> new IllegalStateException("the C library lacks " + name));
        return variadic < 0
                ? linker.downcallHandle(fn, fd, Linker.Option.captureCallState("errno"), Linker.Option.critical(true))
                : linker.downcallHandle(fn, fd, Linker.Option.captureCallState("errno"), Linker.Option.critical(true),
                        Linker.Option.firstVariadicArg(variadic));
    }

    /** The errno a call left in {@code state} (a segment of {@link Linker.Option#captureStateLayout()}). */
    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** The C library's description of {@code errno}, lower-cased for a one-line message ("permission denied"). */
    static String describe(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            String text = s.reinterpret(256).getString(0, StandardCharsets.UTF_8);
            return text.isEmpty() ? "error " + errno : Character.toLowerCase(text.charAt(0)) + text.substring(1);
        } catch (Throwable t) {
            return "error " + errno;
        }
    }
}
