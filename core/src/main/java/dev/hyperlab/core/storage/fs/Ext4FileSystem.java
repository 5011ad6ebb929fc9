package dev.hyperlab.core.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An ext2, ext3 or ext4 file system, read-only, as the kernel's documentation describes the layout ("ext4 Data
 * Structures and Algorithms", kernel.org): superblock, 32- or 64-byte group descriptors (64bit), inode tables wherever
 * the descriptors put them (flex_bg), files mapped by extent trees or ext2's block maps, inline data, fast and slow
 * symbolic links, linear and htree directories (an htree's index blocks look like empty entries to a linear reader,
 * so every directory is read linearly). The journal is not replayed: an image of a system that crashed reads as the
 * file system was before the journal's last transactions.
 */
final class Ext4FileSystem implements FileSystem {
    static final int SUPERBLOCK = 1024;
    static final int MAGIC = 0xEF53;
    private static final long ROOT_INODE = 2;
    /** Incompatible features a reader may ignore: filetype, recover, extents, 64bit, mmp, flex_bg, ea_inode,
     * csum_seed, largedir, inline_data, casefold. Any other bit changes the layout: the kernel refuses it too. */
    private static final int READABLE_INCOMPAT = 0x2 | 0x4 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x2000 | 0x4000
            | 0x8000 | 0x20000;
    private static final int INCOMPAT_FILETYPE = 0x2;
    private static final int INCOMPAT_64BIT = 0x80;
    private static final int FLAG_EXTENTS = 0x80000;
    private static final int FLAG_INLINE_DATA = 0x10000000;
    /** The 60 bytes of {@code i_block}: extent tree root, block map, fast symlink target or inline data. */
    private static final int I_BLOCK = 0x28;
    private static final int I_BLOCK_SIZE = 60;
    /** Largest directory read whole: 64 MiB holds over a million entries (largedir allows more; none here does). */
    private static final long MAX_DIRECTORY = 64L << 20;
    /** A data run handed to a sink at a time. */
    static final int CHUNK = 1 << 20;

    private final Volume volume;
    private final String where;
    private final int blockSize;
    private final long blocks;
    private final long inodes;
    private final long inodesPerGroup;
    private final int inodeSize;
    private final int descSize;
    private final long descriptorsAt;
    private final long groups;
    private final boolean fileTypes;
    private final String type;
    private final String label;
    private final Map<Long, Long> inodeTables = new HashMap<>();

    private Ext4FileSystem(Volume volume, ByteBuffer sb) throws FsException {
        this.volume = volume;
        where = volume.disk().path() + ": ext file system";
        int logBlock = sb.getInt(0x18);
        if (logBlock < 0 || logBlock > 6) throw damaged("has a block size of 2^" + (10 + logBlock));
        blockSize = 1024 << logBlock;
        int incompat = sb.getInt(0x60);
        boolean wide = (incompat & INCOMPAT_64BIT) != 0;
        blocks = (sb.getInt(0x4) & 0xffffffffL) | (wide ? (sb.getInt(0x150) & 0xffffffffL) << 32 : 0);
        inodes = sb.getInt(0x0) & 0xffffffffL;
        long firstDataBlock = sb.getInt(0x14) & 0xffffffffL;
        long blocksPerGroup = sb.getInt(0x20) & 0xffffffffL;
        inodesPerGroup = sb.getInt(0x28) & 0xffffffffL;
        int revision = sb.getInt(0x4C);
        inodeSize = revision == 0 ? 128 : sb.getShort(0x58) & 0xffff;
        descSize = wide ? sb.getShort(0xFE) & 0xffff : 32;
        if (blocks == 0 || blocks > Long.MAX_VALUE / blockSize || firstDataBlock >= blocks) throw damaged("counts " + blocks + " blocks");
        if (blocksPerGroup == 0 || blocksPerGroup > 8L * blockSize || inodesPerGroup == 0 || inodesPerGroup > 8L * blockSize) {
            throw damaged("has groups of " + blocksPerGroup + " blocks and " + inodesPerGroup + " inodes");
        }
        if (inodeSize < 128 || inodeSize > blockSize || Integer.bitCount(inodeSize) != 1) throw damaged("has inodes of " + inodeSize + " bytes");
        if (descSize < 32 || descSize > 1024 || Integer.bitCount(descSize) != 1 || (wide && descSize < 64)) {
            throw damaged("has group descriptors of " + descSize + " bytes");
        }
        groups = (blocks - firstDataBlock + blocksPerGroup - 1) / blocksPerGroup;
        if (inodes < ROOT_INODE || inodes > groups * inodesPerGroup) throw damaged("counts " + inodes + " inodes in " + groups + " groups");
        if ((incompat & ~READABLE_INCOMPAT) != 0) {
            throw new FsException(FsException.Reason.UNKNOWN_FILE_SYSTEM, where + " uses features hyperlab does not read"
                    + " (incompat 0x" + Integer.toHexString(incompat & ~READABLE_INCOMPAT) + ": compression, meta_bg, a"
                    + " journal device, dirdata or encryption)");
        }
        descriptorsAt = (firstDataBlock + 1) * blockSize;
        fileTypes = (incompat & INCOMPAT_FILETYPE) != 0;
        boolean journal = (sb.getInt(0x5C) & 0x4) != 0;
        type = (incompat & (0x40 | 0x80 | 0x200 | 0x8000)) != 0 ? "ext4" : journal ? "ext3" : "ext2";
        byte[] name = new byte[16];
        sb.get(0x78, name);
        label = new String(name, StandardCharsets.UTF_8).replace("\0", "").strip();
    }

    /** Whether {@code volume} starts with an ext superblock. */
    static boolean holds(Volume volume) throws IOException {
        if (volume.size() < SUPERBLOCK + 1024) return false;
        return (volume.read(SUPERBLOCK + 0x38, 2).getShort(0) & 0xffff) == MAGIC;
    }

    static Ext4FileSystem open(Volume volume) throws IOException {
        return new Ext4FileSystem(volume, volume.read(SUPERBLOCK, 1024));
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public FsNode root() throws IOException {
        FsNode root = node(new byte[0], ROOT_INODE);
        if (!root.isDirectory()) throw damaged("has a root inode that is not a directory");
        return root;
    }

    @Override
    public List<FsNode> list(FsNode dir) throws IOException {
        if (!dir.isDirectory()) throw new FsException(FsException.Reason.NOT_A_DIRECTORY, where + ": not a directory");
        ByteBuffer inode = inode(dir.ref());
        if (dir.size() > MAX_DIRECTORY || dir.size() > volume.size()) throw damaged("has a directory of " + dir.size() + " bytes (inode " + dir.ref() + ")");
        List<FsNode> out = new ArrayList<>();
        if ((inode.getInt(0x20) & FLAG_INLINE_DATA) != 0) {
            // inline directory: the parent's inode number, then entries in the rest of i_block and in system.data
            byte[] data = inlineData(dir.ref(), inode, Long.MAX_VALUE);
            entries(data, 4, Math.min(I_BLOCK_SIZE, data.length), out);
            entries(data, I_BLOCK_SIZE, data.length, out);
            return out;
        }
        byte[] data = new byte[(int) dir.size()];
        readMapped(dir.ref(), inode, dir.size(), 0, Long.MAX_VALUE, (offset, bytes) -> bytes.get(data, (int) offset, bytes.remaining()));
        for (int at = 0; at < data.length; at += blockSize) {
            entries(data, at, Math.min(at + blockSize, data.length), out);
        }
        return out;
    }

    /** The directory entries in {@code data[from, to)} (one block, or inline data), as nodes. */
    private void entries(byte[] data, int from, int to, List<FsNode> out) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int at = from;
        while (at + 8 <= to) {
            long ino = b.getInt(at) & 0xffffffffL;
            int recLen = b.getShort(at + 4) & 0xffff;
            if (blockSize == 65536 && recLen == 0) recLen = 65536; // EXT4_MAX_REC_LEN stands for a whole 64 KiB block
            int nameLen = fileTypes ? b.get(at + 6) & 0xff : b.getShort(at + 6) & 0xffff;
            if (recLen == 0 && ino == 0 && at == from && allZero(data, from, to)) return; // a hole in the directory
            if (recLen < 8 || recLen % 4 != 0 || recLen > to - at || nameLen > recLen - 8) {
                throw damaged("has a broken directory entry (rec_len " + recLen + ", name_len " + nameLen + ")");
            }
            if (ino != 0 && nameLen > 0 && !dot(data, at + 8, nameLen)) {
                byte[] name = new byte[nameLen];
                System.arraycopy(data, at + 8, name, 0, nameLen);
                out.add(node(name, ino));
            }
            at += recLen;
        }
    }

    private static boolean dot(byte[] d, int at, int len) {
        return (len == 1 && d[at] == '.') || (len == 2 && d[at] == '.' && d[at + 1] == '.');
    }

    private static boolean allZero(byte[] d, int from, int to) {
        for (int i = from; i < to; i++) if (d[i] != 0) return false;
        return true;
    }

    @Override
    public void read(FsNode file, long from, long to, DataSink sink) throws IOException {
        if (file.isDirectory()) throw new FsException(FsException.Reason.NOT_A_FILE, where + ": is a directory");
        ByteBuffer inode = inode(file.ref());
        if ((inode.getInt(0x20) & FLAG_INLINE_DATA) != 0) {
            byte[] data = inlineData(file.ref(), inode, file.size());
            int start = (int) Math.min(Math.max(from, 0), data.length);
            int end = (int) Math.min(Math.min(to, file.size()), data.length);
            if (end > start) sink.data(start, ByteBuffer.wrap(data, start, end - start));
            return;
        }
        readMapped(file.ref(), inode, file.size(), from, to, sink);
    }

    @Override
    public void dataRanges(FsNode file, RangeSink sink) throws IOException {
        if (file.kind() != FsNode.Kind.FILE) throw new FsException(FsException.Reason.NOT_A_FILE, where + ": not a regular file");
        ByteBuffer inode = inode(file.ref());
        if ((inode.getInt(0x20) & FLAG_INLINE_DATA) != 0) {
            FileSystem.super.dataRanges(file, sink);
            return;
        }
        long size = file.size();
        long[] pending = {0, 0}; // a range not yet given: runs that touch are given as one
        mapping(file.ref(), inode, size).walk((logical, physical, length) -> {
            long start = logical * blockSize;
            long end = Math.min(start + (long) length * blockSize, size);
            if (pending[1] > 0 && pending[0] + pending[1] == start) {
                pending[1] += end - start;
                return;
            }
            if (pending[1] > 0) sink.range(pending[0], pending[1]);
            pending[0] = start;
            pending[1] = end - start;
        });
        if (pending[1] > 0) sink.range(pending[0], pending[1]);
    }

    @Override
    public void placement(FsNode file, PlacementSink sink) throws IOException {
        if (file.kind() != FsNode.Kind.FILE) throw new FsException(FsException.Reason.NOT_A_FILE, where + ": not a regular file");
        ByteBuffer inode = inode(file.ref());
        if ((inode.getInt(0x20) & FLAG_INLINE_DATA) != 0) return;
        mapping(file.ref(), inode, file.size()).walk((logical, physical, length) ->
                sink.run(physical * blockSize, (long) length * blockSize));
    }

    // ---- inodes ------------------------------------------------------------------------------------------------------

    /** The inode's raw bytes (at most one block), after its number is checked. */
    private ByteBuffer inode(long ino) throws IOException {
        if (ino < 1 || ino > inodes) throw damaged("names inode " + ino + " of " + inodes);
        long group = (ino - 1) / inodesPerGroup;
        long index = (ino - 1) % inodesPerGroup;
        return volume.read(inodeTable(group) * blockSize + index * inodeSize, inodeSize);
    }

    private long inodeTable(long group) throws IOException {
        Long known = inodeTables.get(group);
        if (known != null) return known;
        ByteBuffer d = volume.read(descriptorsAt + group * descSize, Math.min(descSize, 64));
        long table = (d.getInt(0x8) & 0xffffffffL) | (descSize >= 64 ? (d.getInt(0x28) & 0xffffffffL) << 32 : 0);
        long tableBlocks = (inodesPerGroup * inodeSize + blockSize - 1) / blockSize;
        if (table == 0 || table > blocks - tableBlocks) throw damaged("puts group " + group + "'s inode table at block " + table);
        inodeTables.put(group, table);
        return table;
    }

    /** The node of inode {@code ino}, called {@code name}. */
    private FsNode node(byte[] name, long ino) throws IOException {
        ByteBuffer i = inode(ino);
        int mode = i.getShort(0x0) & 0xffff;
        FsNode.Kind kind = switch (mode & 0xF000) {
            case 0x8000 -> FsNode.Kind.FILE;
            case 0x4000 -> FsNode.Kind.DIRECTORY;
            case 0xA000 -> FsNode.Kind.SYMLINK;
            case 0x1000 -> FsNode.Kind.FIFO;
            case 0x2000 -> FsNode.Kind.CHAR_DEVICE;
            case 0x6000 -> FsNode.Kind.BLOCK_DEVICE;
            case 0xC000 -> FsNode.Kind.SOCKET;
            default -> throw damaged("has inode " + ino + " of unknown type 0" + Integer.toOctalString(mode));
        };
        long uid = (i.getShort(0x2) & 0xffffL) | (i.getShort(0x78) & 0xffffL) << 16;
        long gid = (i.getShort(0x18) & 0xffffL) | (i.getShort(0x7A) & 0xffffL) << 16;
        long size = (i.getInt(0x4) & 0xffffffffL) | (i.getInt(0x6C) & 0xffffffffL) << 32;
        if (size < 0) throw damaged("has inode " + ino + " of " + Long.toUnsignedString(size) + " bytes");
        int extra = inodeSize > 128 ? i.getShort(0x80) & 0xffff : 0;
        boolean extraTimes = extra >= 0x0C && 128 + extra <= inodeSize;
        long seconds = seconds(i, 0x10, 0x88, extraTimes);
        int nanos = nanos(i, 0x88, extraTimes);
        long ctime = seconds(i, 0x0C, 0x84, extraTimes);
        int ctimeNanos = nanos(i, 0x84, extraTimes);
        long links = i.getShort(0x1A) & 0xffff;
        byte[] target = new byte[0];
        long stored = 0;
        if (kind == FsNode.Kind.SYMLINK) {
            target = symlinkTarget(ino, i, size);
        } else if (kind == FsNode.Kind.FILE) {
            stored = storedBytes(ino, i, size);
        } else if (kind != FsNode.Kind.DIRECTORY) {
            size = 0;
        }
        return new FsNode(name, kind, mode & 07777, uid, gid, size, stored, seconds, nanos, ctime, ctimeNanos, links, target,
                ino);
    }

    /** A time's seconds: the signed 32 bits at {@code at} (before 1970 is negative), with the epoch bits of its extra
     * field at {@code extraAt} when the inode has them. */
    private static long seconds(ByteBuffer i, int at, int extraAt, boolean extra) {
        long seconds = i.getInt(at);
        return extra ? seconds + ((long) (i.getInt(extraAt) & 3) << 32) : seconds;
    }

    /** A time's nanoseconds from its extra field at {@code extraAt}; 0 without one or when it is out of range. */
    private static int nanos(ByteBuffer i, int extraAt, boolean extra) {
        int nanos = extra ? i.getInt(extraAt) >>> 2 : 0;
        return nanos > 999_999_999 ? 0 : nanos;
    }

    private byte[] symlinkTarget(long ino, ByteBuffer i, long size) throws IOException {
        if (size > blockSize || size > 4096) throw damaged("has a symbolic link of " + size + " bytes (inode " + ino + ")");
        int flags = i.getInt(0x20);
        if ((flags & FLAG_INLINE_DATA) != 0) return inlineData(ino, i, size);
        if ((flags & FLAG_EXTENTS) == 0 && size < I_BLOCK_SIZE) {
            byte[] t = new byte[(int) size]; // a fast symbolic link: the target is i_block itself
            i.get(I_BLOCK, t);
            return t;
        }
        byte[] t = new byte[(int) size];
        readMapped(ino, i, size, 0, Long.MAX_VALUE, (offset, bytes) -> bytes.get(t, (int) offset, bytes.remaining()));
        return t;
    }

    /** How many of a file's bytes are stored (not holes, not unwritten extents). */
    private long storedBytes(long ino, ByteBuffer i, long size) throws IOException {
        if ((i.getInt(0x20) & FLAG_INLINE_DATA) != 0) return inlineData(ino, i, size).length;
        long[] n = {0};
        mapping(ino, i, size).walk((logical, physical, length) -> n[0] += Math.min((long) length * blockSize,
                size - logical * blockSize));
        return n[0];
    }

    // ---- file data -----------------------------------------------------------------------------------------------------

    private Ext4Mapping mapping(long ino, ByteBuffer i, long size) {
        ByteBuffer root = i.slice(I_BLOCK, I_BLOCK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        long fileBlocks = (size + blockSize - 1) / blockSize;
        String what = where + ": inode " + ino;
        Ext4Mapping.File file = new Ext4Mapping.File(volume, blockSize, blocks, root, fileBlocks, what);
        return (i.getInt(0x20) & FLAG_EXTENTS) != 0 ? new Ext4Extents(file) : new Ext4BlockMap(file);
    }

    /** Gives the stored bytes in {@code [from, to)} of a mapped (not inline) file of {@code size} bytes to {@code sink}. */
    private void readMapped(long ino, ByteBuffer i, long size, long from, long to, DataSink sink) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(blockSize, Math.min(size, CHUNK))));
        mapping(ino, i, size).walk((logical, physical, length) -> {
            long runStart = logical * blockSize;
            long start = Math.max(runStart, from);
            long end = Math.min(Math.min(runStart + (long) length * blockSize, size), to);
            for (long at = start; at < end; at += chunk.capacity()) {
                int n = (int) Math.min(chunk.capacity(), end - at);
                chunk.clear().limit(n);
                volume.read(physical * blockSize + (at - runStart), chunk);
                chunk.flip();
                sink.data(at, chunk);
            }
        });
    }

    /**
     * Inline data: the first 60 bytes in i_block, the rest in the in-inode extended attribute {@code system.data}
     * (the "inline_data" feature), at most {@code limit} bytes.
     */
    private byte[] inlineData(long ino, ByteBuffer i, long limit) throws IOException {
        byte[] head = new byte[I_BLOCK_SIZE];
        i.get(I_BLOCK, head);
        byte[] tail = new byte[0];
        int extra = inodeSize > 128 ? i.getShort(0x80) & 0xffff : 0;
        int start = 128 + extra;
        if (extra % 4 == 0 && start + 4 <= inodeSize && i.getInt(start) == 0xEA020000) {
            int first = start + 4; // entries, and value offsets relative to here
            for (int at = first; at + 16 <= inodeSize; ) {
                int nameLen = i.get(at) & 0xff;
                int index = i.get(at + 1) & 0xff;
                int valueOffset = i.getShort(at + 2) & 0xffff;
                int valueInode = i.getInt(at + 4);
                long valueSize = i.getInt(at + 8) & 0xffffffffL;
                if (nameLen == 0 && index == 0 && valueOffset == 0 && valueInode == 0) break; // the list's end
                if (at + 16 + nameLen > inodeSize) throw damaged("has a broken extended attribute (inode " + ino + ")");
                if (index == 7 && nameLen == 4 && "data".equals(new String(i.array(), at + 16, 4, StandardCharsets.US_ASCII))) {
                    if (valueInode != 0 || valueSize > inodeSize || first + valueOffset > inodeSize - valueSize) {
                        throw damaged("has inline data outside its inode (inode " + ino + ")");
                    }
                    tail = new byte[(int) valueSize];
                    i.get(first + valueOffset, tail);
                    break;
                }
                at += (16 + nameLen + 3) & ~3;
            }
        }
        byte[] all = new byte[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        if (limit < all.length) return java.util.Arrays.copyOf(all, (int) limit);
        return all;
    }

    private FsException damaged(String what) {
        return FsException.damaged(where + " " + what);
    }
}
