package dev.hyperlab.core.storage.fs;

import dev.hyperlab.core.backup.ByteNames;
import dev.hyperlab.core.hostfs.DirEntry;
import dev.hyperlab.core.hostfs.FileSource;
import dev.hyperlab.core.hostfs.FileStat;
import dev.hyperlab.core.hostfs.FileType;
import dev.hyperlab.core.hostfs.PosixException;
import dev.hyperlab.core.hostfs.Xattr;
import dev.hyperlab.core.storage.DiskImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A lab host's file systems as its OS mounts them, read from its disk images with the in-Java readers: what a file
 * agent in the host (restic, borg) walks. The largest ext2/3/4 file system on the host's disks is {@code /}; the first
 * FAT file system (the EFI system partition hyperlab's installer writes) is {@code /boot/efi}, as Linux distributions
 * mount it; any other file system is not mounted, and {@link #notes()} says so. A directory on the way to a mount that
 * the file system above does not hold (no root file system: {@code /} and {@code /boot}) is an empty directory.
 *
 * <p>The images are untrusted: every structure is checked by the readers (a damaged one is an {@link FsException},
 * which ends the walk); a name that is no valid file name ({@code .}, {@code ..}, empty, over 255 bytes, holding
 * {@code /} or NUL) or a second entry of the same name is left out with a warning, so nothing the walk gives can name
 * a place outside the tree. Extended attributes and device numbers are not read (the readers do not give them); owner
 * names are empty (the ids are kept).
 */
public final class HostDiskFiles implements FileSource {
    /** The longest name Linux allows ({@code NAME_MAX}). */
    private static final int NAME_MAX = 255;
    private static final List<byte[]> EFI = List.of(bytes("boot"), bytes("efi"));

    /** A file system and where it is mounted. */
    private record Mount(List<byte[]> at, FileSystem fs, String what) {}

    /** An open descriptor: a node of mount {@code mount}, or (mount -1) a directory that only leads to mounts. */
    private static final class Open {
        final int mount;
        final FsNode node;
        final List<byte[]> path;
        TreeMap<byte[], FsNode> entries; // a directory's, read on first use
        List<long[]> ranges; // a file's data ranges, read on first seek

        Open(int mount, FsNode node, List<byte[]> path) {
            this.mount = mount;
            this.node = node;
            this.path = path;
        }

        boolean directory() {
            return node == null || node.isDirectory();
        }
    }

    private final List<Mount> mounts;
    private final List<String> notes;
    private final List<String> warnings = new ArrayList<>();
    private final Map<Integer, Open> open = new HashMap<>();
    private int nextFd = 3;

    private HostDiskFiles(List<Mount> mounts, List<String> notes) {
        this.mounts = mounts;
        this.notes = notes;
    }

    /**
     * The file systems on {@code disks} (the host's, boot disk first; each named for messages), mounted as the host's
     * OS mounts them.
     *
     * @throws FsException when no disk holds a file system hyperlab reads, or one is damaged
     */
    public static HostDiskFiles of(Map<String, DiskImage> disks) throws IOException {
        Mount root = null;
        long rootSize = -1;
        Mount efi = null;
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, DiskImage> d : disks.entrySet()) {
            for (FileSystems.Partition p : FileSystems.partitions(d.getValue())) {
                var fs = FileSystems.open(d.getValue(), p);
                if (fs.isEmpty()) {
                    continue;
                }
                String what = d.getKey() + (p.number() == 0 ? "" : " partition " + p.number()) + " (" + fs.get().type()
                        + ")";
                found.add(what);
                if (fs.get().type().startsWith("ext") && p.size() > rootSize) {
                    root = new Mount(List.of(), fs.get(), what);
                    rootSize = p.size();
                } else if (fs.get().type().startsWith("fat") && efi == null) {
                    efi = new Mount(EFI, fs.get(), what);
                }
            }
        }
        if (root == null && efi == null) {
            throw new FsException(FsException.Reason.UNKNOWN_FILE_SYSTEM, "no file system hyperlab reads (ext2/3/4, "
                    + "FAT) on " + (disks.size() == 1 ? "disk " : "disks ") + String.join(", ", disks.keySet()));
        }
        List<Mount> mounts = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Mount m : new Mount[] {root, efi}) {
            if (m != null) {
                mounts.add(m);
                notes.add(m.what + " on " + display(m.at));
                found.remove(m.what);
            }
        }
        for (String f : found) {
            notes.add(f + " not mounted (only / and /boot/efi are)");
        }
        return new HostDiskFiles(List.copyOf(mounts), List.copyOf(notes));
    }

    /** Which file system is mounted where, and those that are not: one line each. */
    public List<String> notes() {
        return notes;
    }

    /** What the walk left out of the images so far (names that are not file names): one line each. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    // ---- lookups ------------------------------------------------------------------------------------------------

    private Open root() throws IOException {
        for (int i = 0; i < mounts.size(); i++) {
            if (mounts.get(i).at.isEmpty()) {
                return new Open(i, mounts.get(i).fs.root(), List.of());
            }
        }
        return new Open(-1, null, List.of());
    }

    /** What {@code name} is relative to descriptor {@code dir} ({@link #CWD}: an absolute path), links not followed. */
    private Open at(int dir, byte[] name, String what) throws IOException {
        if (dir != CWD) {
            return child(descriptor(dir, what), name, what);
        }
        Open o = root();
        for (byte[] n : FsPaths.split(name)) {
            if (o.node != null && o.node.kind() == FsNode.Kind.SYMLINK) {
                throw PosixException.symbolicLink(what);
            }
            o = child(o, n, what);
        }
        return o;
    }

    private Open child(Open parent, byte[] name, String what) throws IOException {
        if (!parent.directory()) {
            throw PosixException.notDirectory(what);
        }
        List<byte[]> path = new ArrayList<>(parent.path);
        path.add(name);
        for (int i = 0; i < mounts.size(); i++) {
            if (same(mounts.get(i).at, path)) {
                return new Open(i, mounts.get(i).fs.root(), List.copyOf(path));
            }
        }
        if (parent.mount >= 0) {
            FsNode e = entries(parent).get(name);
            if (e == null) {
                FileSystem fs = mounts.get(parent.mount).fs;
                for (FsNode c : parent.entries.values()) {
                    if (fs.matches(c.name(), name)) {
                        e = c; // FAT: names are found whatever their case, as Linux mounts it
                        break;
                    }
                }
            }
            if (e != null) {
                return new Open(parent.mount, e, List.copyOf(path));
            }
        }
        if (!mountNames(path.subList(0, path.size() - 1)).stream().anyMatch(n -> Arrays.equals(n, name))) {
            throw PosixException.notFound(what);
        }
        return new Open(-1, null, List.copyOf(path)); // only leads to a mount
    }

    /** The names of the next level of mounts below {@code path}: {@code boot} below {@code /} for {@code /boot/efi}. */
    private List<byte[]> mountNames(List<byte[]> path) {
        List<byte[]> out = new ArrayList<>();
        for (Mount m : mounts) {
            if (m.at.size() > path.size() && same(m.at.subList(0, path.size()), path)) {
                byte[] n = m.at.get(path.size());
                if (out.stream().noneMatch(o -> Arrays.equals(o, n))) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    /** A directory's entries by name: names that cannot be file names, and repeated names, left out with a warning. */
    private TreeMap<byte[], FsNode> entries(Open dir) throws IOException {
        if (dir.entries == null) {
            TreeMap<byte[], FsNode> m = new TreeMap<>(Arrays::compareUnsigned);
            for (FsNode e : mounts.get(dir.mount).fs.list(dir.node)) {
                String bad = badName(e.name());
                if (bad == null && m.containsKey(e.name())) {
                    bad = "a second entry of the same name";
                }
                if (bad != null) {
                    List<byte[]> p = new ArrayList<>(dir.path);
                    p.add(e.name());
                    warnings.add(display(p) + ": " + bad + " in the host's disk image; left out");
                    continue;
                }
                m.put(e.name(), e);
            }
            dir.entries = m;
        }
        return dir.entries;
    }

    /** Why {@code name} is no file name, or null when it is one. */
    private static String badName(byte[] name) {
        if (name.length == 0 || name.length > NAME_MAX) {
            return "a name of " + name.length + " bytes";
        }
        if (Arrays.equals(name, new byte[] {'.'}) || Arrays.equals(name, new byte[] {'.', '.'})) {
            return "an entry called " + new String(name, StandardCharsets.US_ASCII);
        }
        for (byte b : name) {
            if (b == '/' || b == 0) {
                return "a name holding " + (b == 0 ? "NUL" : "/");
            }
        }
        return null;
    }

    private Open descriptor(int fd, String what) throws PosixException {
        Open o = open.get(fd);
        if (o == null) {
            throw PosixException.invalid(what + " (descriptor " + fd + " is not open)");
        }
        return o;
    }

    private int register(Open o) {
        int fd = nextFd++;
        open.put(fd, o);
        return fd;
    }

    // ---- FileSource ---------------------------------------------------------------------------------------------

    @Override
    public int openDirectory(int dir, byte[] name, String what) throws IOException {
        Open o = at(dir, name, what);
        if (o.node != null && o.node.kind() == FsNode.Kind.SYMLINK) {
            throw PosixException.symbolicLink(what);
        }
        if (!o.directory()) {
            throw PosixException.notDirectory(what);
        }
        return register(o);
    }

    @Override
    public int openForReading(int dir, byte[] name, String what) throws IOException {
        Open o = at(dir, name, what);
        if (o.node != null && o.node.kind() == FsNode.Kind.SYMLINK) {
            throw PosixException.symbolicLink(what);
        }
        return register(o);
    }

    @Override
    public int openPath(int dir, byte[] name, String what) throws IOException {
        return register(at(dir, name, what));
    }

    @Override
    public void close(int fd) {
        open.remove(fd);
    }

    @Override
    public FileStat stat(int dir, byte[] name, String what) throws IOException {
        return stat(at(dir, name, what));
    }

    @Override
    public FileStat stat(int fd, String what) throws IOException {
        return stat(descriptor(fd, what));
    }

    private FileStat stat(Open o) {
        if (o.node == null) {
            return new FileStat(FileType.DIRECTORY, 0755, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        FsNode n = o.node;
        FileType type = switch (n.kind()) {
            case FILE -> FileType.FILE;
            case DIRECTORY -> FileType.DIRECTORY;
            case SYMLINK -> FileType.SYMLINK;
            case FIFO -> FileType.FIFO;
            case CHAR_DEVICE -> FileType.CHAR_DEVICE;
            case BLOCK_DEVICE -> FileType.BLOCK_DEVICE;
            case SOCKET -> FileType.SOCKET;
        };
        long blocks = n.kind() == FsNode.Kind.FILE ? (n.dataBytes() + 511) / 512 : 0;
        // each file system its own device, so hard links are matched within one only; atime is not kept: mtime
        return new FileStat(type, n.mode(), n.links(), (int) n.uid(), (int) n.gid(), n.ref(), o.mount + 1, 0,
                n.size(), blocks, n.mtimeSeconds(), n.mtimeNanos(), n.mtimeSeconds(), n.mtimeNanos(), n.ctimeSeconds(),
                n.ctimeNanos());
    }

    @Override
    public List<DirEntry> list(int fd, String what) throws IOException {
        Open o = descriptor(fd, what);
        if (!o.directory()) {
            throw PosixException.notDirectory(what);
        }
        List<DirEntry> out = new ArrayList<>();
        List<byte[]> names = new ArrayList<>();
        if (o.mount >= 0) {
            for (FsNode e : entries(o).values()) {
                out.add(new DirEntry(e.name(), e.ref()));
                names.add(e.name());
            }
        }
        for (byte[] n : mountNames(o.path)) {
            if (names.stream().noneMatch(x -> Arrays.equals(x, n))) {
                out.add(new DirEntry(n, 0));
            }
        }
        return out;
    }

    @Override
    public int read(int fd, long pos, byte[] buf, int off, int len, String what) throws IOException {
        Open o = descriptor(fd, what);
        if (o.node == null || o.node.kind() != FsNode.Kind.FILE) {
            throw PosixException.isDirectory(what);
        }
        if (pos >= o.node.size() || len <= 0) {
            return 0;
        }
        int n = (int) Math.min(len, o.node.size() - pos);
        Arrays.fill(buf, off, off + n, (byte) 0); // holes read as zeros
        long end = pos + n;
        mounts.get(o.mount).fs.read(o.node, pos, end, (at, bytes) -> {
            int length = bytes.remaining();
            if (at < pos || at > end - length) {
                throw FsException.damaged(what + ": the file system gave bytes outside the range read");
            }
            bytes.get(buf, off + (int) (at - pos), length);
        });
        return n;
    }

    @Override
    public long seek(int fd, long pos, boolean hole, String what) throws IOException {
        Open o = descriptor(fd, what);
        if (o.node == null || o.node.kind() != FsNode.Kind.FILE) {
            throw PosixException.isDirectory(what);
        }
        if (o.ranges == null) {
            List<long[]> ranges = new ArrayList<>();
            mounts.get(o.mount).fs.dataRanges(o.node, (offset, length) -> ranges.add(new long[] {offset,
                    offset + length}));
            o.ranges = ranges;
        }
        long size = o.node.size();
        for (long[] r : o.ranges) {
            if (r[1] <= pos) {
                continue;
            }
            if (hole) {
                return r[0] <= pos ? Math.min(r[1], size) : pos;
            }
            return Math.max(r[0], pos);
        }
        return hole ? Math.min(pos, size) : -1;
    }

    @Override
    public byte[] readLink(int dir, byte[] name, String what) throws IOException {
        Open o = at(dir, name, what);
        if (o.node == null || o.node.kind() != FsNode.Kind.SYMLINK) {
            throw PosixException.invalid(what);
        }
        return o.node.target().clone();
    }

    @Override
    public List<Xattr> xattrs(int fd, String what) {
        return List.of();
    }

    @Override
    public List<Xattr> xattrsAt(int dir, byte[] name, String what) {
        return List.of();
    }

    @Override
    public String userName(int uid) {
        return "";
    }

    @Override
    public String groupName(int gid) {
        return "";
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static boolean same(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static String display(List<byte[]> path) {
        return ByteNames.displayPath(path);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
