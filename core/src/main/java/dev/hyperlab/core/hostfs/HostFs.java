package dev.hyperlab.core.hostfs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The host's file system as file backups and restores see it: names as bytes, directories as descriptors, every path
 * resolved relative to an open directory ({@code openat}, {@code mkdirat}, ...) without following symbolic links, so
 * a walk never leaves the tree it was given and a restore never writes outside its target.
 *
 * <p>One instance per thread: it owns scratch buffers. Descriptors are plain ints the caller closes with
 * {@link #close(int)}. Every failure is a {@link PosixException} naming what was done and the system's reason.
 *
 * <pre>{@code
 * try (HostFs fs = HostFs.open()) {
 *     int dir = fs.openDirectory(HostFs.CWD, "/etc".getBytes());
 *     for (DirEntry e : fs.list(dir, "/etc")) {
 *         FileStat st = fs.stat(dir, e.name(), "/etc/...");
 *     }
 *     fs.close(dir);
 * }
 * }</pre>
 */
public final class HostFs implements FileSource, AutoCloseable {
    /** The largest extended attribute value Linux allows ({@code XATTR_SIZE_MAX}). */
    public static final int MAX_XATTR_VALUE = 65536;
    /** The largest list of extended attribute names Linux returns ({@code XATTR_LIST_MAX}). */
    private static final int MAX_XATTR_LIST = 65536;
    /** {@code PATH_MAX}: no symbolic link target is longer. */
    private static final int PATH_MAX = 4096;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
    private final byte[] statx = new byte[256];
    private final ByteBuffer statxView = ByteBuffer.wrap(statx).order(ByteOrder.nativeOrder());
    private final MemorySegment statxSeg = MemorySegment.ofArray(statx);
    /** A name for {@link #stat(int, byte[], String)}, NUL-terminated: any up to {@code NAME_MAX} (255) bytes. */
    private final byte[] statName = new byte[256];
    private final MemorySegment statNameSeg = MemorySegment.ofArray(statName);
    private final byte[] dents = new byte[64 * 1024];
    private final byte[] xattrList = new byte[MAX_XATTR_LIST];
    private final byte[] xattrValue = new byte[MAX_XATTR_VALUE];
    private final byte[] link = new byte[PATH_MAX + 1];
    private final long[] times = new long[4];
    private final Map<Integer, String> users = new HashMap<>();
    private final Map<Integer, String> groups = new HashMap<>();
    private final Map<Long, Boolean> timesCoverNames = new HashMap<>();
    private final byte[] statfs = new byte[128];

    private HostFs() {}

    /**
     * A new instance for this thread.
     *
     * @throws IOException when the calls are unavailable here (another OS, native access denied), saying why
     */
    public static HostFs open() throws IOException {
        Optional<String> why = Posix.UNAVAILABLE;
        if (why.isPresent()) {
            throw new IOException(why.get());
        }
        return new HostFs();
    }

    /** A new instance for the calling thread: descriptors are the process's, so it can stat in this one's. */
    @Override
    public FileSource another() throws IOException {
        return open();
    }

    /** Why file backups cannot run here, or empty when they can. */
    public static Optional<String> unavailable() {
        return Posix.UNAVAILABLE;
    }

    /** {@code name} with a terminating NUL, as the C library wants it. */
    private static byte[] c(byte[] name) {
        return Arrays.copyOf(name, name.length + 1);
    }

    private static MemorySegment seg(byte[] b) {
        return MemorySegment.ofArray(b);
    }

    private PosixException fail(String what) {
        return new PosixException(what, Posix.errno(state));
    }

    private int errno() {
        return Posix.errno(state);
    }

    /** A libc call that answers 0, or -1 with errno set. */
    private interface Call {
        int run() throws Throwable;
    }

    /** Makes {@code call}; an answer other than 0 throws with errno, naming {@code what}. */
    private void check(Call call, String what) throws PosixException {
        int r;
        try {
            r = call.run();
        } catch (Throwable t) {
            throw broken(t);
        }
        if (r != 0) {
            throw fail(what);
        }
    }

    private static IllegalStateException broken(Throwable t) {
        return new IllegalStateException("a C library call failed unexpectedly: " + t, t);
    }

    // ---- descriptors --------------------------------------------------------------------------------------------

    /** Opens directory {@code name} (relative to {@code dir}) for listing, refusing a symbolic link. */
    @Override
    public int openDirectory(int dir, byte[] name, String what) throws PosixException {
        return openAt(dir, name, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0, what);
    }

    /**
     * Opens regular file {@code name} for reading without following a symbolic link, without blocking on a FIFO put
     * there meanwhile, and without changing its access time where the system allows that (the owner or root).
     */
    @Override
    public int openForReading(int dir, byte[] name, String what) throws PosixException {
        int flags = Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC | Posix.O_NONBLOCK | Posix.O_NOCTTY;
        try {
            return openAt(dir, name, flags | Posix.O_NOATIME, 0, what);
        } catch (PosixException e) {
            if (e.errno() != Posix.EPERM) {
                throw e;
            }
            return openAt(dir, name, flags, 0, what);
        }
    }

    /** Creates file {@code name}, which must not exist (not even as a symbolic link), for writing. */
    public int createFile(int dir, byte[] name, int mode, String what) throws PosixException {
        return openAt(dir, name, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW | Posix.O_CLOEXEC,
                mode, what);
    }

    /** A descriptor that only names {@code name} (not following a link): for {@link #stat(int)} and {@code *at}. */
    @Override
    public int openPath(int dir, byte[] name, String what) throws PosixException {
        return openAt(dir, name, Posix.O_PATH | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0, what);
    }

    private int openAt(int dir, byte[] name, int flags, int mode, String what) throws PosixException {
        byte[] z = c(name);
        while (true) {
            int fd;
            try {
                fd = (int) Posix.Openat.H.invokeExact(state, dir, seg(z), flags, mode);
            } catch (Throwable t) {
                throw broken(t);
            }
            if (fd >= 0) {
                return fd;
            }
            if (errno() != Posix.EINTR) {
                throw fail(what);
            }
        }
    }

    /** Closes a descriptor; errors are ignored (nothing was written through it, or its writes were checked). */
    @Override
    public void close(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            int ignored = (int) Posix.Close.H.invokeExact(state, fd);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    // ---- stat ---------------------------------------------------------------------------------------------------

    /** What {@code name} (relative to {@code dir}) is, not following a symbolic link. */
    @Override
    public FileStat stat(int dir, byte[] name, String what) throws PosixException {
        if (name.length >= statName.length) {
            return statx(dir, c(name), Posix.AT_SYMLINK_NOFOLLOW, what);
        }
        // the walk's one call per entry: the name goes NUL-terminated into a buffer kept for it, not a new copy
        System.arraycopy(name, 0, statName, 0, name.length);
        statName[name.length] = 0;
        return statx(dir, statNameSeg, Posix.AT_SYMLINK_NOFOLLOW, what);
    }

    /** What the open descriptor {@code fd} is. */
    @Override
    public FileStat stat(int fd, String what) throws PosixException {
        return statx(fd, new byte[1], Posix.AT_EMPTY_PATH | Posix.AT_SYMLINK_NOFOLLOW, what);
    }

    private FileStat statx(int dir, byte[] z, int flags, String what) throws PosixException {
        return statx(dir, seg(z), flags, what);
    }

    private FileStat statx(int dir, MemorySegment z, int flags, String what) throws PosixException {
        int r;
        try {
            r = (int) Posix.Statx.H.invokeExact(state, dir, z, flags, Posix.STATX_BASIC_STATS, statxSeg);
        } catch (Throwable t) {
            throw broken(t);
        }
        if (r != 0) {
            throw fail(what);
        }
        ByteBuffer b = statxView;
        int mode = b.getShort(28) & 0xffff;
        FileType type = FileType.ofMode(mode);
        if (type == null) {
            throw new PosixException(what + " has an unknown file type " + Integer.toOctalString(mode), Posix.EINVAL);
        }
        long dev = (b.getInt(136) & 0xffffffffL) << 32 | (b.getInt(140) & 0xffffffffL);
        long rdev = (b.getInt(128) & 0xffffffffL) << 32 | (b.getInt(132) & 0xffffffffL);
        return new FileStat(type, mode & 07777, b.getInt(16) & 0xffffffffL, b.getInt(20), b.getInt(24), b.getLong(32),
                dev, rdev, b.getLong(40), b.getLong(48),
                b.getLong(64), b.getInt(72), b.getLong(112), b.getInt(120), b.getLong(96), b.getInt(104));
    }

    // ---- directories --------------------------------------------------------------------------------------------

    /** {@code d_type} of a regular file in a {@code getdents64} record. */
    private static final byte DT_REG = 8;

    /** The names in open directory {@code fd}, in the order the file system gives them, without . and .. */
    @Override
    public List<DirEntry> list(int fd, String what) throws PosixException {
        List<DirEntry> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(dents).order(ByteOrder.nativeOrder());
        while (true) {
            long n;
            try {
                n = (long) Posix.Getdents64.H.invokeExact(state, fd, seg(dents), (long) dents.length);
            } catch (Throwable t) {
                throw broken(t);
            }
            if (n < 0) {
                if (errno() == Posix.EINTR) {
                    continue;
                }
                throw fail(what);
            }
            if (n == 0) {
                return out;
            }
            for (int at = 0; at < n; ) {
                long ino = b.getLong(at);
                int reclen = b.getShort(at + 16) & 0xffff;
                int start = at + 19;
                int end = start;
                while (end < at + reclen && dents[end] != 0) {
                    end++;
                }
                int len = end - start;
                boolean dot = len == 1 && dents[start] == '.' || len == 2 && dents[start] == '.' && dents[start + 1] == '.';
                if (!dot && len > 0) {
                    out.add(new DirEntry(Arrays.copyOfRange(dents, start, end), ino, dents[at + 18] == DT_REG));
                }
                if (reclen == 0) {
                    break;
                }
                at += reclen;
            }
        }
    }

    /**
     * {@code f_type} values ({@code statfs(2)}) of the local file systems whose directories' modification and change
     * times move with every name added, removed or renamed in them (POSIX requires it of {@code creat}, {@code link},
     * {@code mkdir}, {@code mknod}, {@code rename}, {@code rmdir}, {@code symlink} and {@code unlink}; these file
     * systems do it for every entry): ext2/3/4, XFS, Btrfs, tmpfs. NFS, FUSE, overlayfs, /proc and sysfs are left out
     * (a directory there can change without its times moving).
     */
    private static final long[] TIMES_COVER_NAMES = {0xEF53L, 0x58465342L, 0x9123683EL, 0x01021994L};

    /** By the file system's type ({@code fstatfs}), asked once per device. */
    @Override
    public boolean timesCoverNames(int fd, long dev) {
        Boolean known = timesCoverNames.get(dev);
        if (known != null) {
            return known;
        }
        boolean covers = false;
        try {
            int r = (int) Posix.Fstatfs.H.invokeExact(state, fd, seg(statfs));
            if (r == 0) {
                // f_type is the first field, a long on 64-bit Linux (x86-64 and AArch64)
                long type = ByteBuffer.wrap(statfs).order(ByteOrder.nativeOrder()).getLong(0);
                for (long t : TIMES_COVER_NAMES) {
                    covers |= type == t;
                }
            }
        } catch (Throwable t) {
            throw broken(t);
        }
        timesCoverNames.put(dev, covers);
        return covers;
    }

    // ---- data ---------------------------------------------------------------------------------------------------

    /**
     * Reads up to {@code len} bytes at file offset {@code pos} into {@code buf[off, off + len)}; fewer only at the end
     * of the file. Returns the bytes read.
     */
    @Override
    public int read(int fd, long pos, byte[] buf, int off, int len, String what) throws PosixException {
        return transfer(Posix.Pread.H, fd, pos, buf, off, len, what);
    }

    /** Writes all of {@code buf[off, off + len)} at file offset {@code pos}. */
    public void write(int fd, long pos, byte[] buf, int off, int len, String what) throws PosixException {
        if (transfer(Posix.Pwrite.H, fd, pos, buf, off, len, what) < len) {
            throw new PosixException(what + ": the file system took no more bytes", Posix.EINVAL);
        }
    }

    /** {@code pread} or {@code pwrite} until {@code len} bytes moved or the call moves none (the end of a file). */
    private int transfer(java.lang.invoke.MethodHandle call, int fd, long pos, byte[] buf, int off, int len,
            String what) throws PosixException {
        int done = 0;
        MemorySegment s = seg(buf);
        while (done < len) {
            long n;
            try {
                n = (long) call.invokeExact(state, fd, s.asSlice(off + done), (long) (len - done), pos + done);
            } catch (Throwable t) {
                throw broken(t);
            }
            if (n < 0) {
                if (errno() == Posix.EINTR) {
                    continue;
                }
                throw fail(what);
            }
            if (n == 0) {
                break;
            }
            done += (int) n;
        }
        return done;
    }

    /**
     * The start of the first data at or after {@code pos} ({@code SEEK_DATA}), or -1 when only a hole follows; or,
     * with {@code hole}, the start of the next hole ({@code SEEK_HOLE}: the end of the file at the latest).
     */
    @Override
    public long seek(int fd, long pos, boolean hole, String what) throws PosixException {
        long r;
        try {
            r = (long) Posix.Lseek.H.invokeExact(state, fd, pos, hole ? Posix.SEEK_HOLE : Posix.SEEK_DATA);
        } catch (Throwable t) {
            throw broken(t);
        }
        if (r < 0) {
            if (errno() == Posix.ENXIO) {
                return -1;
            }
            throw fail(what);
        }
        return r;
    }

    /** Sets the length of an open file: growing it adds a hole. */
    public void truncate(int fd, long length, String what) throws PosixException {
        check(() -> (int) Posix.Ftruncate.H.invokeExact(state, fd, length), what);
    }

    /** The target of symbolic link {@code name}, as bytes. */
    @Override
    public byte[] readLink(int dir, byte[] name, String what) throws PosixException {
        long n;
        try {
            n = (long) Posix.Readlinkat.H.invokeExact(state, dir, seg(c(name)), seg(link), (long) link.length);
        } catch (Throwable t) {
            throw broken(t);
        }
        if (n < 0) {
            throw fail(what);
        }
        if (n >= link.length) {
            throw new PosixException(what + " has a target longer than PATH_MAX", Posix.ERANGE);
        }
        return Arrays.copyOf(link, (int) n);
    }

    // ---- extended attributes ------------------------------------------------------------------------------------

    /** The extended attributes of an open file, in the order the file system lists them. */
    @Override
    public List<Xattr> xattrs(int fd, String what) throws PosixException {
        return xattrs(fd, null, what);
    }

    /**
     * The extended attributes of {@code name} in {@code dir} itself, not of what a symbolic link points to (Linux has
     * no {@code *at} call for them: {@code /proc/self/fd/DIR/NAME} names it without resolving NAME).
     */
    @Override
    public List<Xattr> xattrsAt(int dir, byte[] name, String what) throws PosixException {
        return xattrs(-1, procPath(dir, name), what);
    }

    private List<Xattr> xattrs(int fd, byte[] path, String what) throws PosixException {
        long n;
        try {
            n = fd >= 0 ? (long) Posix.Flistxattr.H.invokeExact(state, fd, seg(xattrList), (long) xattrList.length)
                    : (long) Posix.Llistxattr.H.invokeExact(state, seg(path), seg(xattrList), (long) xattrList.length);
        } catch (Throwable t) {
            throw broken(t);
        }
        if (n < 0) {
            int e = errno();
            if (e == Posix.EOPNOTSUPP || e == Posix.ENOSYS) {
                return List.of(); // the file system has none
            }
            throw fail(what + ": listing extended attributes");
        }
        List<Xattr> out = new ArrayList<>();
        for (int at = 0; at < n; ) {
            int end = at;
            while (end < n && xattrList[end] != 0) {
                end++;
            }
            if (end > at) {
                byte[] attr = Arrays.copyOfRange(xattrList, at, end);
                byte[] z = c(attr);
                long v;
                try {
                    v = fd >= 0 ? (long) Posix.Fgetxattr.H.invokeExact(state, fd, seg(z), seg(xattrValue),
                            (long) xattrValue.length)
                            : (long) Posix.Lgetxattr.H.invokeExact(state, seg(path), seg(z), seg(xattrValue),
                                    (long) xattrValue.length);
                } catch (Throwable t) {
                    throw broken(t);
                }
                if (v >= 0) {
                    out.add(new Xattr(attr, Arrays.copyOf(xattrValue, (int) v)));
                } else if (errno() != Posix.ENODATA) { // removed between list and get
                    throw fail(what + ": reading extended attribute "
                            + new String(attr, StandardCharsets.UTF_8));
                }
            }
            at = end + 1;
        }
        return out;
    }

    /** Sets an extended attribute of an open file. */
    public void setXattr(int fd, byte[] name, byte[] value, String what) throws PosixException {
        check(() -> (int) Posix.Fsetxattr.H.invokeExact(state, fd, seg(c(name)), seg(value), (long) value.length, 0),
                what);
    }

    /** Sets an extended attribute of {@code name} in {@code dir} itself (a symbolic link, a device file). */
    public void setXattrAt(int dir, byte[] name, byte[] attr, byte[] value, String what) throws PosixException {
        check(() -> (int) Posix.Lsetxattr.H.invokeExact(state, seg(procPath(dir, name)), seg(c(attr)), seg(value),
                    (long) value.length, 0),
                what);
    }

    private static byte[] procPath(int dir, byte[] name) {
        byte[] prefix = ("/proc/self/fd/" + dir + "/").getBytes(StandardCharsets.US_ASCII);
        byte[] p = Arrays.copyOf(prefix, prefix.length + name.length + 1);
        System.arraycopy(name, 0, p, prefix.length, name.length);
        return p;
    }

    // ---- creating -----------------------------------------------------------------------------------------------

    /** Creates directory {@code name}. */
    public void mkdir(int dir, byte[] name, int mode, String what) throws PosixException {
        check(() -> (int) Posix.Mkdirat.H.invokeExact(state, dir, seg(c(name)), mode), what);
    }

    /** Creates symbolic link {@code name} pointing to {@code target}. */
    public void symlink(byte[] target, int dir, byte[] name, String what) throws PosixException {
        check(() -> (int) Posix.Symlinkat.H.invokeExact(state, seg(c(target)), dir, seg(c(name))), what);
    }

    /** Creates {@code name} in {@code dir} as a hard link to {@code existing} in {@code fromDir} (not followed). */
    public void link(int fromDir, byte[] existing, int dir, byte[] name, String what) throws PosixException {
        check(() -> (int) Posix.Linkat.H.invokeExact(state, fromDir, seg(c(existing)), dir, seg(c(name)), 0), what);
    }

    /** Creates a FIFO, socket or device file; {@code rdev} is {@code major << 32 | minor}. */
    public void mknod(int dir, byte[] name, FileType type, int mode, long rdev, String what) throws PosixException {
        long major = rdev >>> 32;
        long minor = rdev & 0xffffffffL;
        // glibc's makedev
        long dev = (major & 0xfffff000L) << 32 | (major & 0xfffL) << 8 | (minor & 0xffffff00L) << 12 | (minor & 0xffL);
        check(() -> (int) Posix.Mknodat.H.invokeExact(state, dir, seg(c(name)), type.format | (mode & 07777), dev),
                what);
    }

    /** Removes {@code name} (a directory only when {@code directory}, and only if empty). */
    public void unlink(int dir, byte[] name, boolean directory, String what) throws PosixException {
        check(() -> (int) Posix.Unlinkat.H.invokeExact(state, dir, seg(c(name)), directory ? Posix.AT_REMOVEDIR : 0),
                what);
    }

    // ---- metadata -----------------------------------------------------------------------------------------------

    /** Sets owner and group of an open file. */
    public void chown(int fd, int uid, int gid, String what) throws PosixException {
        check(() -> (int) Posix.Fchown.H.invokeExact(state, fd, uid, gid), what);
    }

    /** Sets owner and group of {@code name} itself (a symbolic link is not followed). */
    public void chownAt(int dir, byte[] name, int uid, int gid, String what) throws PosixException {
        check(() -> (int) Posix.Fchownat.H.invokeExact(state, dir, seg(c(name)), uid, gid, Posix.AT_SYMLINK_NOFOLLOW),
                what);
    }

    /** Sets the permission bits (with set-id and sticky bits) of an open file. */
    public void chmod(int fd, int mode, String what) throws PosixException {
        check(() -> (int) Posix.Fchmod.H.invokeExact(state, fd, mode & 07777), what);
    }

    /** Sets the permission bits of {@code name} (not a symbolic link: Linux links have none). */
    public void chmodAt(int dir, byte[] name, int mode, String what) throws PosixException {
        check(() -> (int) Posix.Fchmodat.H.invokeExact(state, dir, seg(c(name)), mode & 07777, 0), what);
    }

    /** Sets access and modification times of an open file. */
    public void setTimes(int fd, long atimeSec, int atimeNsec, long mtimeSec, int mtimeNsec, String what)
            throws PosixException {
        long[] t = times(atimeSec, atimeNsec, mtimeSec, mtimeNsec);
        int r;
        try {
            r = (int) Posix.Futimens.H.invokeExact(state, fd, MemorySegment.ofArray(t));
        } catch (Throwable e) {
            throw broken(e);
        }
        if (r != 0) {
            throw fail(what);
        }
    }

    /** Sets access and modification times of {@code name} itself (a symbolic link is not followed). */
    public void setTimesAt(int dir, byte[] name, long atimeSec, int atimeNsec, long mtimeSec, int mtimeNsec,
            String what) throws PosixException {
        long[] t = times(atimeSec, atimeNsec, mtimeSec, mtimeNsec);
        int r;
        try {
            r = (int) Posix.Utimensat.H.invokeExact(state, dir, seg(c(name)), MemorySegment.ofArray(t),
                    Posix.AT_SYMLINK_NOFOLLOW);
        } catch (Throwable e) {
            throw broken(e);
        }
        if (r != 0) {
            throw fail(what);
        }
    }

    private long[] times(long atimeSec, int atimeNsec, long mtimeSec, int mtimeNsec) {
        times[0] = atimeSec;
        times[1] = atimeNsec;
        times[2] = mtimeSec;
        times[3] = mtimeNsec;
        return times;
    }

    // ---- names of ids -------------------------------------------------------------------------------------------

    /** The name of user {@code uid} (the system's user database), or empty when it has none. */
    @Override
    public String userName(int uid) {
        return users.computeIfAbsent(uid, u -> lookup(Posix.GetpwuidR.H, u));
    }

    /** The name of group {@code gid}, or empty when it has none. */
    @Override
    public String groupName(int gid) {
        return groups.computeIfAbsent(gid, g -> lookup(Posix.GetgrgidR.H, g));
    }

    /** {@code getpwuid_r} or {@code getgrgid_r}: both structs start with a pointer to the name. */
    private String lookup(java.lang.invoke.MethodHandle call, int id) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment entry = a.allocate(64);
            MemorySegment buf = a.allocate(16384);
            MemorySegment result = a.allocate(ValueLayout.ADDRESS);
            int r = (int) call.invokeExact(id, entry, buf, 16384L, result);
            if (r != 0 || result.get(ValueLayout.ADDRESS, 0).equals(MemorySegment.NULL)) {
                return "";
            }
            MemorySegment name = entry.get(ValueLayout.ADDRESS, 0).reinterpret(4096);
            return name.getString(0, StandardCharsets.UTF_8);
        } catch (Throwable t) {
            return "";
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
