package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.ImageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The persistent dirty bitmaps directory (qcow2.txt, "Bitmaps extension" and "Bitmap directory"): one entry per
 * bitmap naming its table of data clusters, its granularity and its flags.
 */
final class BitmapDirectory {
    static final int FLAG_IN_USE = 1;
    static final int FLAG_AUTO = 2;
    static final int FLAG_EXTRA_DATA_COMPATIBLE = 4;
    static final long MAX_DIRECTORY_BYTES = 64L << 20; // QEMU's QCOW2_MAX_BITMAP_DIRECTORY_SIZE
    static final int MAX_BITMAPS = 65535;
    /** QEMU's limits on one bitmap (block/qcow2-bitmap.c, BME_MAX_TABLE_SIZE and BME_MAX_PHYS_SIZE). */
    static final long MAX_TABLE_SIZE = 0x8000000;
    static final long MAX_BITS_BYTES = 0x20000000; // 512 MiB of bits: QEMU refuses to add or load a larger bitmap
    /** Bits of all of an image's bitmaps hyperlab holds in memory at once: one bitmap at QEMU's own limit. */
    static final long MAX_MEMORY = MAX_BITS_BYTES;
    /** Bitmap table entry bits QEMU reserves (BME_TABLE_ENTRY_RESERVED_MASK: bits 1..8 and 56..63). */
    static final long TABLE_ENTRY_RESERVED = 0xff000000000001feL;

    private BitmapDirectory() {}

    /** One directory entry, as stored. */
    record Entry(long tableOffset, int tableSize, int flags, int type, int granularityBits, String name, byte[] extra) {
        long granularity() {
            return 1L << granularityBits;
        }

        Entry withFlags(int newFlags) {
            return new Entry(tableOffset, tableSize, newFlags, type, granularityBits, name, extra);
        }

        Entry withTable(long offset, int size) {
            return new Entry(offset, size, flags, type, granularityBits, name, extra);
        }

        int encodedSize() {
            return (24 + extra.length + name.getBytes(StandardCharsets.UTF_8).length + 7) & ~7;
        }
    }

    /** Entries of the bitmap table a bitmap of this granularity needs for a disk of {@code size} bytes. */
    static long tableSizeFor(long size, int granularityBits, int clusterBits) {
        return (bitsBytes(size, granularityBits) + (1L << clusterBits) - 1) >>> clusterBits;
    }

    /** 64-bit words holding the bits of a bitmap of this granularity for a disk of {@code size} bytes. */
    static long words(long size, int granularityBits) {
        return (bitsBytes(size, granularityBits) + 7) >>> 3;
    }

    /** Bytes of bits a bitmap of 2^{@code granularityBits} bytes per bit needs for a disk of {@code size} bytes. */
    static long bitsBytes(long size, int granularityBits) {
        long bits = (size >>> granularityBits) + ((size & ((1L << granularityBits) - 1)) != 0 ? 1 : 0);
        return (bits + 7) >>> 3;
    }

    static List<Entry> read(HostFile file, Qcow2Header h) throws IOException {
        Qcow2Header.BitmapsExtension ext = h.bitmaps;
        String who = file.path + ": bitmap directory";
        if (h.version < 3) throw new ImageException(who + " in a version 2 image");
        if (ext.nbBitmaps() < 0 || ext.nbBitmaps() > MAX_BITMAPS) throw new ImageException(who + " lists " + Integer.toUnsignedString(ext.nbBitmaps()) + " bitmaps");
        if (ext.directorySize() < 0 || ext.directorySize() > MAX_DIRECTORY_BYTES) throw new ImageException(who + " size " + ext.directorySize() + " is out of range");
        if ((ext.directoryOffset() & (h.clusterSize() - 1)) != 0 || ext.directoryOffset() <= 0) {
            throw new ImageException(who + " offset 0x" + Long.toHexString(ext.directoryOffset()) + " is not a cluster boundary");
        }
        if (ext.directoryOffset() > file.size() - ext.directorySize()) throw new ImageException(who + " at 0x" + Long.toHexString(ext.directoryOffset()) + " runs past the end of the file");
        ByteBuffer b = ByteBuffer.allocate((int) ext.directorySize());
        file.readFully(ext.directoryOffset(), b, "bitmap directory");
        List<Entry> out = new ArrayList<>();
        int pos = 0;
        for (int i = 0; i < ext.nbBitmaps(); i++) {
            if (pos + 24 > b.limit()) throw new ImageException(who + " is shorter than its " + ext.nbBitmaps() + " entries");
            long tableOffset = b.getLong(pos);
            int tableSize = b.getInt(pos + 8);
            int flags = b.getInt(pos + 12);
            int type = b.get(pos + 16) & 0xff;
            int granBits = b.get(pos + 17) & 0xff;
            int nameLen = b.getShort(pos + 18) & 0xffff;
            int extraLen = b.getInt(pos + 20);
            if (extraLen < 0 || nameLen > 1023 || pos + 24L + extraLen + nameLen > b.limit()) {
                throw new ImageException(who + " entry " + i + " runs past the directory");
            }
            byte[] extra = new byte[extraLen];
            b.get(pos + 24, extra);
            byte[] name = new byte[nameLen];
            b.get(pos + 24 + extraLen, name);
            String n;
            try { // a name that is not UTF-8 would change length when written back
                n = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(name)).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new ImageException(who + " entry " + i + " has a name that is not UTF-8");
            }
            if (type != 1) throw new ImageException(file.path + ": bitmap '" + n + "' has unknown type " + type);
            if (granBits < 9 || granBits > 31) throw new ImageException(file.path + ": bitmap '" + n + "' has granularity bits " + granBits + " outside 9..31");
            if (extraLen != 0 && (flags & FLAG_EXTRA_DATA_COMPATIBLE) == 0) {
                throw new ImageException(file.path + ": bitmap '" + n + "' has extra data hyperlab cannot interpret");
            }
            if (bitsBytes(h.size, granBits) > MAX_BITS_BYTES || tableSize > MAX_TABLE_SIZE) {
                throw new ImageException(file.path + ": bitmap '" + n + "' needs more than QEMU's 512 MiB of bits (granularity "
                        + (1L << granBits) + " for " + h.size + " bytes)");
            }
            long expect = tableSizeFor(h.size, granBits, h.clusterBits);
            if (tableSize != expect) throw new ImageException(file.path + ": bitmap '" + n + "' table has " + Integer.toUnsignedString(tableSize) + " entries, expected " + expect);
            if (tableSize > 0 && ((tableOffset & (h.clusterSize() - 1)) != 0 || tableOffset <= 0 || tableOffset + 8L * tableSize > file.size())) {
                throw new ImageException(file.path + ": bitmap '" + n + "' table at 0x" + Long.toHexString(tableOffset) + " is misaligned or past the end of the file");
            }
            out.add(new Entry(tableOffset, tableSize, flags, type, granBits, n, extra));
            pos += (24 + extraLen + nameLen + 7) & ~7;
        }
        // exactly filled, as QEMU requires ("Broken bitmap directory"): an entry rewritten in place keeps its bytes
        if (pos != b.limit()) throw new ImageException(who + " holds " + b.limit() + " bytes, but its " + ext.nbBitmaps() + " entries take " + pos);
        return out;
    }

    static ByteBuffer encode(List<Entry> entries) {
        int size = 0;
        for (Entry e : entries) size += e.encodedSize();
        ByteBuffer b = ByteBuffer.allocate(size);
        for (Entry e : entries) {
            int at = b.position();
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            b.putLong(e.tableOffset()).putInt(e.tableSize()).putInt(e.flags()).put((byte) e.type())
                    .put((byte) e.granularityBits()).putShort((short) name.length).putInt(e.extra().length)
                    .put(e.extra()).put(name);
            b.position(at + e.encodedSize());
        }
        b.flip();
        return b;
    }

    /**
     * Reads a bitmap's bits into {@code words} (as many as {@link #words} says): table entry 0 is an all-clear cluster,
     * 1 an all-set one, else a data cluster.
     */
    static long[] readBits(HostFile file, Qcow2Header h, Entry e, long[] words) throws IOException {
        long nbits = (h.size + e.granularity() - 1) >>> e.granularityBits();
        if (e.tableSize() == 0) return words;
        ByteBuffer t = ByteBuffer.allocate(e.tableSize() * 8);
        file.readFully(e.tableOffset(), t, "bitmap table of '" + e.name() + "'");
        int cs = h.clusterSize();
        long totalBytes = (long) words.length * 8;
        ByteBuffer cluster = ByteBuffer.allocate(cs).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < e.tableSize(); i++) {
            long entry = t.getLong(i * 8);
            long off = entry & L2Entry.OFFSET_MASK;
            if ((entry & TABLE_ENTRY_RESERVED) != 0 || (off != 0 && (entry & 1) != 0)) {
                throw new ImageException(file.path + ": bitmap '" + e.name() + "' table entry " + i + " has reserved bits set (0x" + Long.toHexString(entry) + ")");
            }
            long firstByte = (long) i * cs;
            int n = (int) Math.min(cs, totalBytes - firstByte);
            if (n <= 0) break;
            if (off == 0) {
                if ((entry & 1) != 0) java.util.Arrays.fill(words, (int) (firstByte / 8), (int) ((firstByte + n) / 8), -1L);
                continue;
            }
            if ((off & (cs - 1)) != 0) throw new ImageException(file.path + ": bitmap '" + e.name() + "' data cluster 0x" + Long.toHexString(off) + " is misaligned");
            cluster.clear();
            file.readFully(off, cluster, "bitmap data of '" + e.name() + "'");
            // QEMU serializes bitmaps as little-endian words: bit k of the disk is bit k%8 of byte k/8
            for (int w = 0; w < n / 8; w++) words[(int) (firstByte / 8) + w] = cluster.getLong(w * 8);
        }
        long tail = nbits & 63;
        if (tail != 0) words[words.length - 1] &= (1L << tail) - 1;
        return words;
    }
}
