package dev.hyperlab.core.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A FAT12, FAT16 or FAT32 file system (Microsoft's FAT specification, "fatgen103"): the BPB, the first FAT,
 * FAT12/16's fixed root directory or FAT32's root cluster chain, and directory entries with their VFAT long names.
 * The FAT type follows from the cluster count, as the specification says. Every cluster chain is bounded by the
 * cluster count, so a FAT with a loop ends in an error, not a hang. It is read-only but for one write, rewriting a
 * file in place ({@link #overwrite}), which is what signing an EFI loader on an ESP takes.
 */
final class FatFileSystem implements FileSystem {
    /** A directory holds at most 65,536 entries of 32 bytes (the specification's "FAT Directory Structure"). */
    private static final int MAX_DIRECTORY = 65_536 * 32;
    /** A FAT window read at a time. */
    private static final int WINDOW = 64 << 10;

    private final Volume volume;
    private final String where;
    private final int clusterBytes;
    private final long fatOffset;
    private final long fatBytes;
    private final int fats;
    private final int fsInfoSector;
    private final int bytesPerSector;
    private final long rootOffset;
    private final int rootEntries;
    private final long dataOffset;
    private final long clusters;
    private final int bits;
    private final long rootCluster;
    private final String label;
    private long windowAt = -1;
    private final byte[] window = new byte[WINDOW];

    private FatFileSystem(Volume volume, ByteBuffer bpb) throws FsException {
        this.volume = volume;
        where = volume.disk().path() + ": FAT file system";
        bytesPerSector = bpb.getShort(11) & 0xffff;
        int spc = bpb.get(13) & 0xff;
        int reserved = bpb.getShort(14) & 0xffff;
        fats = bpb.get(16) & 0xff;
        rootEntries = bpb.getShort(17) & 0xffff;
        long total = bpb.getShort(19) & 0xffff;
        if (total == 0) total = bpb.getInt(32) & 0xffffffffL;
        long fatSectors = bpb.getShort(22) & 0xffff;
        boolean fat32Layout = fatSectors == 0;
        if (fat32Layout) fatSectors = bpb.getInt(36) & 0xffffffffL;
        clusterBytes = spc * bytesPerSector;
        long rootSectors = ((long) rootEntries * 32 + bytesPerSector - 1) / bytesPerSector;
        long metaSectors = reserved + fats * fatSectors + rootSectors;
        if (total * bytesPerSector > volume.size() || metaSectors >= total || fatSectors == 0) {
            throw FsException.damaged(where + " of " + total + " sectors does not fit its " + volume.size() + " bytes");
        }
        fatOffset = (long) reserved * bytesPerSector;
        fatBytes = fatSectors * bytesPerSector;
        rootOffset = fatOffset + fats * fatBytes;
        dataOffset = rootOffset + rootSectors * bytesPerSector;
        clusters = (total - metaSectors) / spc;
        bits = clusters < 4085 ? 12 : clusters < 65525 ? 16 : 32;
        if ((bits == 32) != fat32Layout || (bits == 32 && rootEntries != 0)) {
            throw FsException.damaged(where + " has " + clusters + " clusters but a FAT" + (fat32Layout ? "32" : "12/16") + " layout");
        }
        if ((clusters + 2) * bits > fatBytes * 8) throw FsException.damaged(where + "'s FAT is too small for " + clusters + " clusters");
        rootCluster = bits == 32 ? bpb.getInt(44) & 0x0fffffffL : 0;
        fsInfoSector = bits == 32 ? bpb.getShort(48) & 0xffff : 0;
        byte[] name = new byte[11];
        bpb.get(bits == 32 ? 71 : 43, name);
        boolean extended = (bpb.get(bits == 32 ? 66 : 38) & 0xff) == 0x29;
        String l = extended ? new String(name, StandardCharsets.ISO_8859_1).strip() : "";
        label = l.equals("NO NAME") ? "" : l;
    }

    /** Whether {@code volume} starts with a FAT boot sector: signature, a jump, and a sane BPB. */
    static boolean holds(Volume volume) throws IOException {
        if (volume.size() < 512) return false;
        ByteBuffer b = volume.read(0, 512);
        int jump = b.get(0) & 0xff;
        int bps = b.getShort(11) & 0xffff;
        int spc = b.get(13) & 0xff;
        int fats = b.get(16) & 0xff;
        return (b.get(510) & 0xff) == 0x55 && (b.get(511) & 0xff) == 0xAA && (jump == 0xEB || jump == 0xE9)
                && bps >= 512 && bps <= 4096 && Integer.bitCount(bps) == 1 && spc > 0 && Integer.bitCount(spc) == 1
                && fats >= 1 && fats <= 4 && (b.getShort(14) & 0xffff) > 0;
    }

    static FatFileSystem open(Volume volume) throws IOException {
        return new FatFileSystem(volume, volume.read(0, 512));
    }

    @Override
    public String type() {
        return "fat" + bits;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public FsNode root() {
        return new FsNode(new byte[0], FsNode.Kind.DIRECTORY, 0755, 0, 0, 0, 0, 0, 0, 0, 0, 1, new byte[0], rootCluster);
    }

    @Override
    public List<FsNode> list(FsNode dir) throws IOException {
        return entries(dir).stream().map(Entry::node).toList();
    }

    /** A directory entry and where its 32-byte short entry lies in the volume. */
    private record Entry(FsNode node, long offset) {}

    private List<Entry> entries(FsNode dir) throws IOException {
        if (!dir.isDirectory()) throw new FsException(FsException.Reason.NOT_A_DIRECTORY, where + ": not a directory");
        List<Long> chain = new ArrayList<>();
        byte[] d = dir.ref() == 0 ? fixedRoot() : directory(dir.ref(), chain);
        List<Entry> out = new ArrayList<>();
        StringBuilder longName = new StringBuilder();
        int expect = 0; // the next long-name entry's sequence number, 0 when none is pending
        int checksum = 0;
        for (int at = 0; at + 32 <= d.length; at += 32) {
            int first = d[at] & 0xff;
            int attr = d[at + 11] & 0xff;
            if (first == 0) break;
            if (first == 0xE5) {
                expect = 0;
                continue;
            }
            if (attr == 0x0F) {
                int seq = first & 0x1F;
                if ((first & 0x40) != 0) {
                    longName.setLength(0);
                    expect = seq;
                    checksum = d[at + 13] & 0xff;
                }
                if (seq == 0 || seq != expect || (d[at + 13] & 0xff) != checksum) {
                    expect = 0;
                    continue;
                }
                longName.insert(0, longNamePart(d, at));
                expect--;
                if (expect == 0) expect = -1; // complete: the short entry comes next
                continue;
            }
            boolean hasLong = expect == -1 && checksum == shortChecksum(d, at);
            expect = 0;
            if ((attr & 0x08) != 0) continue; // the volume label
            String name = hasLong ? longName.toString() : shortName(d, at);
            if (name.equals(".") || name.equals("..")) continue;
            long offset = dir.ref() == 0 ? rootOffset + at
                    : dataOffset + (chain.get(at / clusterBytes) - 2) * clusterBytes + at % clusterBytes;
            out.add(new Entry(entry(d, at, name), offset));
        }
        return out;
    }

    private FsNode entry(byte[] d, int at, String name) {
        ByteBuffer e = ByteBuffer.wrap(d, at, 32).slice().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int attr = e.get(11) & 0xff;
        long cluster = (bits == 32 ? (e.getShort(20) & 0xffffL) << 16 : 0) | (e.getShort(26) & 0xffffL);
        boolean directory = (attr & 0x10) != 0;
        boolean readOnly = (attr & 0x01) != 0;
        long size = directory ? 0 : e.getInt(28) & 0xffffffffL;
        int mode = (directory ? 0755 : 0644) & (readOnly ? ~0222 : ~0);
        int date = e.getShort(24) & 0xffff;
        int time = e.getShort(22) & 0xffff;
        long mtime = seconds(date, time);
        return new FsNode(name.getBytes(StandardCharsets.UTF_8), directory ? FsNode.Kind.DIRECTORY : FsNode.Kind.FILE, mode,
                0, 0, size, size, mtime, 0, mtime, 0, 1, new byte[0], cluster);
    }

    /** FAT's local date and time, taken as UTC; 0 (1970) when they are not a date. */
    private static long seconds(int date, int time) {
        try {
            return LocalDateTime.of(1980 + (date >> 9), (date >> 5) & 0xF, date & 0x1F, time >> 11, (time >> 5) & 0x3F,
                    (time & 0x1F) * 2).toEpochSecond(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return 0;
        }
    }

    /** The 13 UTF-16 characters of a long-name entry, up to a NUL. */
    private static String longNamePart(byte[] d, int at) {
        StringBuilder s = new StringBuilder(13);
        int[] offsets = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
        for (int o : offsets) {
            char c = (char) ((d[at + o] & 0xff) | (d[at + o + 1] & 0xff) << 8);
            if (c == 0) break;
            s.append(c);
        }
        return s.toString();
    }

    private static int shortChecksum(byte[] d, int at) {
        int sum = 0;
        for (int i = 0; i < 11; i++) sum = (((sum & 1) << 7) | ((sum & 0xff) >> 1)) + (d[at + i] & 0xff) & 0xff;
        return sum;
    }

    /** An 8.3 name as Linux shows it: lower case where the entry's case flags say so (as Windows NT writes them). */
    private static String shortName(byte[] d, int at) {
        byte[] raw = java.util.Arrays.copyOfRange(d, at, at + 11);
        if ((raw[0] & 0xff) == 0x05) raw[0] = (byte) 0xE5;
        int flags = d[at + 12] & 0xff;
        String base = new String(raw, 0, 8, StandardCharsets.ISO_8859_1).stripTrailing();
        String ext = new String(raw, 8, 3, StandardCharsets.ISO_8859_1).stripTrailing();
        if ((flags & 0x08) != 0) base = base.toLowerCase(Locale.ROOT);
        if ((flags & 0x10) != 0) ext = ext.toLowerCase(Locale.ROOT);
        return ext.isEmpty() ? base : base + "." + ext;
    }

    /** FAT names are case-insensitive (and Linux mounts them so by default). */
    @Override
    public boolean matches(byte[] entry, byte[] wanted) {
        return new String(entry, StandardCharsets.UTF_8).equalsIgnoreCase(new String(wanted, StandardCharsets.UTF_8));
    }

    @Override
    public void read(FsNode file, long from, long to, DataSink sink) throws IOException {
        if (file.isDirectory()) throw new FsException(FsException.Reason.NOT_A_FILE, where + ": is a directory");
        long size = file.size();
        if (size == 0) return;
        if (size > clusters * clusterBytes) throw FsException.damaged(where + " has a file of " + size + " bytes, larger than itself");
        long end = Math.min(size, to);
        if (from >= end) return;
        long first = Math.max(0, from) / clusterBytes; // the chain is followed from the start, its data read from here
        long needed = (end + clusterBytes - 1) / clusterBytes;
        long runStart = -1;
        long runLength = 0;
        long offset = first * clusterBytes;
        long c = file.ref();
        int maxRun = Math.max(1, Ext4FileSystem.CHUNK / clusterBytes);
        for (long i = 0; i < needed; i++) {
            checkCluster(c);
            if (i >= first) {
                if (runLength > 0 && (c != runStart + runLength || runLength == maxRun)) {
                    offset = give(runStart, runLength, offset, from, end, sink);
                    runLength = 0;
                }
                if (runLength == 0) runStart = c;
                runLength++;
            }
            if (i + 1 < needed) c = next(c);
        }
        give(runStart, runLength, offset, from, end, sink);
    }

    /**
     * Gives clusters {@code [start, start + count)}, at file offset {@code offset}, from {@code from} up to {@code end};
     * returns the offset after them.
     */
    private long give(long start, long count, long offset, long from, long end, DataSink sink) throws IOException {
        long after = Math.min(offset + count * clusterBytes, end);
        long skip = Math.max(0, from - offset);
        sink.data(offset + skip, volume.read(dataOffset + (start - 2) * clusterBytes + skip, (int) (after - offset - skip)));
        return after;
    }

    /**
     * Replaces the contents of regular file {@code name} in directory {@code dir} with {@code data}, in place, as a
     * FAT driver writing the whole file does: its cluster chain is kept, cut short (the rest freed) or grown from free
     * clusters, in every copy of the FAT, and its directory entry gets the new size. Everything is read and checked
     * before the first write; on FAT32 the FSInfo free count is marked unknown, as the specification allows.
     *
     * @throws FsException when there is no such file, it is a directory, or the file system has no room
     */
    void overwrite(FsNode dir, byte[] name, byte[] data) throws IOException {
        Entry entry = null;
        for (Entry e : entries(dir)) {
            if (matches(e.node().name(), name)) {
                entry = e;
                break;
            }
        }
        if (entry == null) throw new FsException(FsException.Reason.NO_SUCH_PATH, where + ": no such file");
        if (entry.node().isDirectory()) throw new FsException(FsException.Reason.NOT_A_FILE, where + ": is a directory");
        List<Long> chain = new ArrayList<>();
        for (long c = entry.node().ref(); c != 0 && c != -1; c = nextOrEnd(c)) {
            checkCluster(c);
            if (chain.size() > clusters) throw FsException.damaged(where + " has a file chain that loops");
            chain.add(c);
        }
        int needed = (int) ((data.length + (long) clusterBytes - 1) / clusterBytes);
        List<Long> used = new ArrayList<>(chain.subList(0, Math.min(needed, chain.size())));
        for (long c = 2; used.size() < needed && c < clusters + 2; c++) {
            if (nextOrEnd(c) == 0 && !chain.contains(c)) used.add(c);
        }
        if (used.size() < needed) {
            throw new FsException(FsException.Reason.DAMAGED, where + " has no room for " + data.length + " bytes");
        }
        for (int i = 0; i < needed; i++) {
            byte[] cluster = java.util.Arrays.copyOfRange(data, i * clusterBytes, (i + 1) * clusterBytes);
            volume.write(dataOffset + (used.get(i) - 2) * clusterBytes, ByteBuffer.wrap(cluster));
        }
        long endOfChain = bits == 12 ? 0xFFF : bits == 16 ? 0xFFFF : 0x0FFFFFFFL;
        for (int i = 0; i < needed; i++) setFat(used.get(i), i + 1 < needed ? used.get(i + 1) : endOfChain);
        for (long c : chain) {
            if (!used.contains(c)) setFat(c, 0);
        }
        long first = needed == 0 ? 0 : used.getFirst();
        ByteBuffer e = volume.read(entry.offset(), 32);
        e.putShort(26, (short) first);
        if (bits == 32) e.putShort(20, (short) (first >>> 16));
        e.putInt(28, data.length);
        volume.write(entry.offset(), e);
        if (bits == 32 && fsInfoSector > 0) {
            long at = (long) fsInfoSector * bytesPerSector;
            ByteBuffer info = volume.read(at, 512);
            if (info.getInt(0) == 0x41615252 && info.getInt(484) == 0x61417272) {
                info.putInt(488, -1).putInt(492, -1); // free count and next free: unknown
                volume.write(at, info);
            }
        }
        windowAt = -1;
    }

    /** Sets cluster {@code c}'s entry in every FAT copy (FAT32 keeps an entry's top four bits). */
    private void setFat(long c, long value) throws IOException {
        for (int f = 0; f < fats; f++) {
            long base = fatOffset + f * fatBytes;
            switch (bits) {
                case 12 -> {
                    long at = base + c + c / 2;
                    ByteBuffer b = volume.read(at, 2);
                    int v = b.getShort(0) & 0xffff;
                    v = (c & 1) == 0 ? (v & 0xF000) | (int) value : (v & 0x000F) | (int) value << 4;
                    volume.write(at, b.putShort(0, (short) v));
                }
                case 16 -> volume.write(base + c * 2, volume.read(base + c * 2, 2).putShort(0, (short) value));
                default -> {
                    ByteBuffer b = volume.read(base + c * 4, 4);
                    volume.write(base + c * 4, b.putInt(0, (b.getInt(0) & 0xF0000000) | (int) value));
                }
            }
        }
    }

    private byte[] fixedRoot() throws IOException {
        return volume.read(rootOffset, rootEntries * 32).array();
    }

    /** A directory's cluster chain, up to its end or the largest a directory may be; its clusters go to {@code chain}. */
    private byte[] directory(long first, List<Long> chain) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long c = first;
        for (long steps = 0; out.size() < MAX_DIRECTORY; steps++) {
            checkCluster(c);
            if (steps > clusters) throw FsException.damaged(where + " has a directory chain that loops");
            out.write(volume.read(dataOffset + (c - 2) * clusterBytes, clusterBytes).array(), 0, clusterBytes);
            chain.add(c);
            c = nextOrEnd(c);
            if (c < 0) break;
        }
        return out.toByteArray();
    }

    private void checkCluster(long c) throws FsException {
        if (c < 2 || c >= clusters + 2) throw FsException.damaged(where + " has a cluster chain that is broken at cluster " + c);
    }

    /** The cluster after {@code c} in a file whose chain must go on. */
    private long next(long c) throws IOException {
        long n = nextOrEnd(c);
        if (n < 0) throw FsException.damaged(where + " has a cluster chain that ends before its file does");
        return n;
    }

    /** The cluster after {@code c}, or -1 at the chain's end. */
    private long nextOrEnd(long c) throws IOException {
        long entry = switch (bits) {
            case 12 -> {
                long at = c + c / 2;
                int v = fatByte(at) | fatByte(at + 1) << 8;
                yield (c & 1) == 0 ? v & 0xFFF : v >> 4;
            }
            case 16 -> fatByte(c * 2) | (long) fatByte(c * 2 + 1) << 8;
            default -> (fatByte(c * 4) | (long) fatByte(c * 4 + 1) << 8 | (long) fatByte(c * 4 + 2) << 16
                    | (long) fatByte(c * 4 + 3) << 24) & 0x0FFFFFFFL;
        };
        long endOfChain = bits == 12 ? 0xFF8 : bits == 16 ? 0xFFF8 : 0x0FFFFFF8L;
        return entry >= endOfChain ? -1 : entry;
    }

    private int fatByte(long at) throws IOException {
        if (at >= fatBytes) throw FsException.damaged(where + "'s FAT is shorter than its clusters");
        long base = at / WINDOW * WINDOW;
        if (base != windowAt) {
            int n = (int) Math.min(WINDOW, fatBytes - base);
            volume.read(fatOffset + base, ByteBuffer.wrap(window, 0, n));
            windowAt = base;
        }
        return window[(int) (at - base)] & 0xff;
    }
}
