package dev.hyperlab.core.backup;

import dev.hyperlab.core.hostfs.FileType;
import dev.hyperlab.core.hostfs.Xattr;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tree blob of one directory of a file backup: its entries, sorted by name bytes, each name once. Binary and
 * little-endian; the same entries always give the same bytes, so an unchanged directory is the same blob in the next
 * backup and is stored once.
 *
 * <pre>
 * "HLTR" | u8 version (1) | u32 entries | per entry:
 *   u8 name length | name | u8 type (1 file, 2 directory, 3 symlink, 4 fifo, 5 char device, 6 block device, 7 socket)
 *   u16 mode (07777) | u32 uid | u32 gid | u8 length | user | u8 length | group
 *   i64 mtime s | u32 mtime ns | i64 ctime s | u32 ctime ns | u64 size | u64 inode | u64 device | u64 links | u64 rdev
 *   u16 target length | target (symbolic links only)
 *   u16 attributes | per attribute: u8 name length | name | u32 value length | value
 *   file: u32 pieces | per piece: u64 offset | u32 length | blob id[32]        directory: tree id[32]
 * </pre>
 *
 * <p>A tree is data from the repository, which may be hostile, and its names become file names on restore. So
 * {@link #decode} accepts only what {@link #encode} can write: a name is one path component (1 to 255 bytes, no
 * {@code /} or NUL, never {@code .} or {@code ..}), names ascend strictly, a file's pieces ascend within its size,
 * every length is checked against the bytes that remain before anything is allocated, nothing trails.
 */
final class FileTree {
    /** The largest tree: some 600,000 entries of a directory, or a file of about 400 GiB in 256 KiB chunks. */
    static final int MAX_BYTES = 64 << 20;
    /** Linux's {@code NAME_MAX}. */
    static final int MAX_NAME = 255;
    /** Linux's {@code PATH_MAX}, less its NUL: no symbolic link target is longer. */
    static final int MAX_TARGET = 4095;
    /** Linux's {@code XATTR_SIZE_MAX}. */
    static final int MAX_XATTR_VALUE = 65536;
    private static final int MAGIC = 0x52544c48; // "HLTR" read little-endian
    private static final int PIECE = 8 + 4 + ObjectId.LENGTH;
    /** The fixed part of an entry, with the smallest name and no strings, attributes or content. */
    private static final int MIN_ENTRY = 1 + 1 + 1 + 2 + 4 + 4 + 1 + 1 + 8 + 4 + 8 + 4 + 8 * 5 + 2 + 2;

    private FileTree() {}

    /** The tree of {@code entries}, which must be sorted by name with each name once. */
    static byte[] encode(List<TreeNode> entries) {
        int size = 9;
        for (TreeNode e : entries) {
            size += MIN_ENTRY - 1 + e.name().length + utf8(e.user()).length + utf8(e.group()).length
                    + e.target().length;
            for (Xattr x : e.xattrs()) {
                size += 1 + x.name().length + 4 + x.value().length;
            }
            size += switch (e.type()) {
                case FILE -> 4 + e.content().size() * PIECE;
                case DIRECTORY -> ObjectId.LENGTH;
                default -> 0;
            };
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).put((byte) 1).putInt(entries.size());
        byte[] id = new byte[ObjectId.LENGTH];
        for (TreeNode e : entries) {
            b.put((byte) e.name().length).put(e.name());
            b.put((byte) (e.type().ordinal() + 1)).putShort((short) e.mode()).putInt(e.uid()).putInt(e.gid());
            byte[] user = utf8(e.user());
            byte[] group = utf8(e.group());
            b.put((byte) user.length).put(user).put((byte) group.length).put(group);
            b.putLong(e.mtimeSec()).putInt(e.mtimeNsec()).putLong(e.ctimeSec()).putInt(e.ctimeNsec());
            b.putLong(e.size()).putLong(e.ino()).putLong(e.dev()).putLong(e.nlink()).putLong(e.rdev());
            b.putShort((short) e.target().length).put(e.target());
            b.putShort((short) e.xattrs().size());
            for (Xattr x : e.xattrs()) {
                b.put((byte) x.name().length).put(x.name()).putInt(x.value().length).put(x.value());
            }
            if (e.type() == FileType.FILE) {
                b.putInt(e.content().size());
                for (Piece p : e.content()) {
                    p.blob().copyTo(id, 0);
                    b.putLong(p.offset()).putInt(p.length()).put(id);
                }
            } else if (e.type() == FileType.DIRECTORY) {
                e.subtree().copyTo(id, 0);
                b.put(id);
            }
        }
        return b.array();
    }

    /** A user or group name as stored: UTF-8, at most 255 bytes (Linux's are at most 32). */
    private static byte[] utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return b.length <= 255 ? b : Arrays.copyOf(b, 255);
    }

    /**
     * Parses and checks a tree.
     *
     * @throws RepositoryException naming {@code what} and the first thing wrong
     */
    static List<TreeNode> decode(byte[] data, String what) throws RepositoryException {
        try {
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            if (b.getInt() != MAGIC || b.get() != 1) {
                throw new RepositoryException(what + " is not a version 1 tree");
            }
            int n = b.getInt();
            if (n < 0 || (long) n * MIN_ENTRY > b.remaining()) {
                throw damaged(what, "it claims " + Integer.toUnsignedString(n) + " entries in " + data.length
                        + " bytes");
            }
            List<TreeNode> entries = new ArrayList<>(n);
            byte[] last = null;
            Names users = new Names();
            Names groups = new Names();
            for (int i = 0; i < n; i++) {
                TreeNode e = entry(b, what, i, users, groups);
                if (last != null && Arrays.compareUnsigned(last, e.name()) >= 0) {
                    throw damaged(what, "entry " + i + " " + ByteNames.quote(e.name()) + " is out of order or"
                            + " repeats a name");
                }
                last = e.name();
                entries.add(e);
            }
            if (b.hasRemaining()) {
                throw damaged(what, b.remaining() + " bytes after its last entry");
            }
            return entries;
        } catch (BufferUnderflowException e) {
            throw damaged(what, "truncated");
        }
    }

    /**
     * An owner name of a tree's entries, decoded once: entries of one directory mostly share an owner, so an entry
     * whose name bytes are the previous entry's takes the same string (equal either way). One for users, one for groups.
     */
    private static final class Names {
        private byte[] last = NO_BYTES;
        private String decoded = "";

        String of(byte[] raw) {
            if (!Arrays.equals(raw, last)) {
                last = raw;
                decoded = new String(raw, StandardCharsets.UTF_8);
            }
            return decoded;
        }
    }

    private static final byte[] NO_BYTES = new byte[0];

    /** "entry NAME", for a message about a damaged entry: made only when one is. */
    private static String at(byte[] name) {
        return "entry " + ByteNames.quote(name);
    }

    private static TreeNode entry(ByteBuffer b, String what, int i, Names users, Names groups)
            throws RepositoryException {
        byte[] name = bytes(b, b.get() & 0xff);
        String bad = nameProblem(name);
        if (bad != null) {
            throw damaged(what, "entry " + i + " " + ByteNames.quote(name) + " " + bad);
        }
        int code = b.get() & 0xff;
        FileType type = FileType.ofOrdinal(code - 1);
        if (type == null) {
            throw damaged(what, at(name) + " has an unknown type " + code);
        }
        int mode = b.getShort() & 0xffff;
        if (mode > 07777) {
            throw damaged(what, at(name) + " has bad permission bits " + Integer.toOctalString(mode));
        }
        int uid = b.getInt();
        int gid = b.getInt();
        String user = users.of(bytes(b, b.get() & 0xff));
        String group = groups.of(bytes(b, b.get() & 0xff));
        long mtime = b.getLong();
        int mtimeNs = b.getInt();
        long ctime = b.getLong();
        int ctimeNs = b.getInt();
        long size = b.getLong();
        long ino = b.getLong();
        long dev = b.getLong();
        long nlink = b.getLong();
        long rdev = b.getLong();
        if (mtimeNs < 0 || mtimeNs >= 1_000_000_000 || ctimeNs < 0 || ctimeNs >= 1_000_000_000) {
            throw damaged(what, at(name) + " has a time with bad nanoseconds");
        }
        if (size < 0 || (size != 0 && type != FileType.FILE) || nlink < 0) {
            throw damaged(what, at(name) + " has a bad size or link count");
        }
        if (rdev != 0 && type != FileType.CHAR_DEVICE && type != FileType.BLOCK_DEVICE) {
            throw damaged(what, at(name) + " has a device number but is not a device");
        }
        byte[] target = bytes(b, b.getShort() & 0xffff);
        if (type == FileType.SYMLINK ? target.length == 0 || target.length > MAX_TARGET || indexOf(target, 0) >= 0
                : target.length != 0) {
            throw damaged(what, at(name) + " has a bad symbolic link target");
        }
        int attrs = b.getShort() & 0xffff;
        List<Xattr> xattrs = new ArrayList<>(Math.min(attrs, b.remaining() / 6));
        for (int k = 0; k < attrs; k++) {
            byte[] attr = bytes(b, b.get() & 0xff);
            int len = b.getInt();
            if (attr.length == 0 || indexOf(attr, 0) >= 0 || len < 0 || len > MAX_XATTR_VALUE) {
                throw damaged(what, at(name) + " has a bad extended attribute");
            }
            xattrs.add(new Xattr(attr, bytes(b, len)));
        }
        List<Piece> content = List.of();
        ObjectId subtree = null;
        if (type == FileType.FILE) {
            int count = b.getInt();
            if (count < 0 || (long) count * PIECE > b.remaining()) {
                throw damaged(what, at(name) + " claims " + Integer.toUnsignedString(count) + " pieces");
            }
            List<Piece> pieces = new ArrayList<>(count);
            long end = 0;
            byte[] id = new byte[ObjectId.LENGTH];
            for (int k = 0; k < count; k++) {
                long off = b.getLong();
                int len = b.getInt();
                b.get(id);
                // off >= end >= 0, so size - off cannot overflow where off + len could
                if (off < end || len <= 0 || len > BackupPipeline.MAX_CHUNK || len > size - off) {
                    throw damaged(what, at(name) + ": piece " + k + " at " + off + "+" + len + " is out of order,"
                            + " overlaps another or lies beyond its size " + size);
                }
                pieces.add(new Piece(off, len, ObjectId.of(id, 0), 0));
                end = off + len;
            }
            content = pieces;
        } else if (type == FileType.DIRECTORY) {
            byte[] id = bytes(b, ObjectId.LENGTH);
            subtree = ObjectId.of(id, 0);
        }
        return new TreeNode(name, type, mode, uid, gid, user, group, mtime, mtimeNs, ctime, ctimeNs, size, ino, dev,
                nlink, rdev, target, xattrs, content, subtree);
    }

    /**
     * What is wrong with {@code name} as a single path component, or null when nothing is: the one rule backups
     * write by and restores check.
     */
    static String nameProblem(byte[] name) {
        if (name.length == 0 || name.length > MAX_NAME) {
            return "is not 1 to " + MAX_NAME + " bytes long";
        }
        if (indexOf(name, '/') >= 0 || indexOf(name, 0) >= 0) {
            return "holds a '/' or a NUL byte";
        }
        if (name[0] == '.' && (name.length == 1 || name.length == 2 && name[1] == '.')) {
            return "is '.' or '..'";
        }
        return null;
    }

    private static int indexOf(byte[] b, int c) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** {@code n} bytes from {@code b}; underflows (before allocating) when fewer remain. */
    private static byte[] bytes(ByteBuffer b, int n) {
        if (n > b.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private static RepositoryException damaged(String what, String why) {
        return new RepositoryException(what + " is damaged: " + why);
    }
}
