package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.ImageException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The qcow2 header and its extensions (QEMU docs/interop/qcow2.txt, "Header" and "Header extensions"), parsed from
 * and encoded back into the first cluster. Mutable: the image updates fields and rewrites the whole header in one
 * write of at most one page, which a killed process either completes or never starts.
 *
 * <p>Unknown compatible extensions are kept byte for byte and written back, so rewriting the header of an image made
 * by QEMU loses nothing.
 */
final class Qcow2Header {
    static final int MAGIC = 0x514649fb; // "QFI\xfb"
    static final int V2_LENGTH = 72;
    static final int V3_LENGTH = 112; // 104 plus compression_type and padding to 8, as QEMU writes it

    static final long INCOMPAT_DIRTY = 1L;
    static final long INCOMPAT_CORRUPT = 1L << 1;
    static final long INCOMPAT_DATA_FILE = 1L << 2;
    static final long INCOMPAT_COMPRESSION = 1L << 3;
    static final long INCOMPAT_EXTL2 = 1L << 4;
    static final long COMPAT_LAZY_REFCOUNTS = 1L;
    static final long AUTOCLEAR_BITMAPS = 1L;
    static final long AUTOCLEAR_DATA_FILE_RAW = 1L << 1;

    static final int EXT_END = 0;
    static final int EXT_BACKING_FORMAT = 0xe2792aca;
    static final int EXT_FEATURE_TABLE = 0x6803f857;
    static final int EXT_BITMAPS = 0x23852875;
    static final int EXT_CRYPTO = 0x0537be77;
    static final int EXT_DATA_FILE = 0x44415441;

    /** Largest tables QEMU itself accepts (QCOW_MAX_L1_SIZE, QCOW_MAX_REFTABLE_SIZE): bounds memory on hostile input. */
    static final long MAX_L1_BYTES = 32L << 20;
    static final long MAX_L1_ENTRIES = MAX_L1_BYTES / 8;
    static final long MAX_REFTABLE_BYTES = 8L << 20;
    static final int MAX_SNAPSHOTS = 65536;

    int version;
    long backingFileOffset;
    int backingFileSize;
    int clusterBits;
    long size;
    int cryptMethod;
    int l1Size;
    long l1TableOffset;
    long refcountTableOffset;
    int refcountTableClusters;
    int nbSnapshots;
    long snapshotsOffset;
    long incompatibleFeatures;
    long compatibleFeatures;
    long autoclearFeatures;
    int refcountOrder = 4;
    int headerLength;
    int compressionType; // 0 zlib, 1 zstd
    byte[] headerTail = new byte[0]; // header bytes past the fields we know (future versions), kept as they are
    String backingFile; // null when none
    String backingFormat; // null when the extension is absent
    BitmapsExtension bitmaps; // null when absent
    final List<RawExtension> otherExtensions = new ArrayList<>();

    /** The bitmaps header extension: where the bitmap directory is. */
    record BitmapsExtension(int nbBitmaps, long directorySize, long directoryOffset) {}

    /** An extension hyperlab does not interpret, written back unchanged. */
    record RawExtension(int type, byte[] data) {}

    int clusterSize() {
        return 1 << clusterBits;
    }

    int refcountBits() {
        return 1 << refcountOrder;
    }

    /** Parses the first cluster of a file; {@code fileSize} bounds every table the header points to. */
    static Qcow2Header parse(Path path, ByteBuffer b, long fileSize) throws ImageException {
        String who = path.toString();
        if (b.remaining() < V2_LENGTH || b.getInt(0) != MAGIC) throw new ImageException(who + ": not a qcow2 image (bad magic)");
        Qcow2Header h = new Qcow2Header();
        h.version = b.getInt(4);
        if (h.version != 2 && h.version != 3) {
            throw new ImageException(who + ": qcow2 version " + h.version + " is not supported (only 2 and 3)");
        }
        h.backingFileOffset = b.getLong(8);
        h.backingFileSize = b.getInt(16);
        h.clusterBits = b.getInt(20);
        if (h.clusterBits < 9 || h.clusterBits > 21) {
            throw new ImageException(who + ": cluster_bits " + h.clusterBits + " is outside 9..21");
        }
        h.size = b.getLong(24);
        h.cryptMethod = b.getInt(32);
        h.l1Size = b.getInt(36);
        h.l1TableOffset = b.getLong(40);
        h.refcountTableOffset = b.getLong(48);
        h.refcountTableClusters = b.getInt(56);
        h.nbSnapshots = b.getInt(60);
        h.snapshotsOffset = b.getLong(64);
        if (h.version == 3) {
            if (b.limit() < 104) throw new ImageException(who + ": truncated qcow2 v3 header");
            h.incompatibleFeatures = b.getLong(72);
            h.compatibleFeatures = b.getLong(80);
            h.autoclearFeatures = b.getLong(88);
            h.refcountOrder = b.getInt(96);
            h.headerLength = b.getInt(100);
            if (h.headerLength < 104 || h.headerLength > Math.min(b.limit(), h.clusterSize())) {
                throw new ImageException(who + ": header_length " + h.headerLength + " is invalid");
            }
            if (h.headerLength > 104) h.compressionType = b.get(104) & 0xff;
            int known = Math.min(h.headerLength, V3_LENGTH);
            h.headerTail = new byte[h.headerLength - known];
            b.get(known, h.headerTail);
        } else {
            h.headerLength = V2_LENGTH;
        }
        if (h.refcountOrder > 6 || h.refcountOrder < 0) {
            throw new ImageException(who + ": refcount_order " + h.refcountOrder + " is outside 0..6");
        }
        h.validateFeatures(who);
        if (h.l1Size < 0 || h.l1Size > MAX_L1_ENTRIES) {
            throw new ImageException(who + ": l1_size " + Integer.toUnsignedString(h.l1Size) + " is too large (QEMU's limit: "
                    + MAX_L1_ENTRIES + " entries)");
        }
        requireAddressable(who, "virtual size", h.size, h.clusterBits);
        long neededL1 = l1EntriesFor(h.size, h.clusterBits);
        if (h.l1Size < neededL1) {
            throw new ImageException(who + ": l1_size " + h.l1Size + " is too small for virtual size " + h.size);
        }
        checkTable(who, "L1 table", h.l1TableOffset, (long) h.l1Size * 8, h, fileSize);
        if (h.refcountTableClusters <= 0 || (long) h.refcountTableClusters << h.clusterBits > MAX_REFTABLE_BYTES) {
            throw new ImageException(who + ": refcount_table_clusters " + Integer.toUnsignedString(h.refcountTableClusters) + " is invalid");
        }
        checkTable(who, "refcount table", h.refcountTableOffset, (long) h.refcountTableClusters << h.clusterBits, h, fileSize);
        if (h.nbSnapshots < 0 || h.nbSnapshots > MAX_SNAPSHOTS) {
            throw new ImageException(who + ": nb_snapshots " + Integer.toUnsignedString(h.nbSnapshots) + " is too large");
        }
        if (h.nbSnapshots > 0) checkTable(who, "snapshot table", h.snapshotsOffset, 40L * h.nbSnapshots, h, fileSize);
        h.parseExtensions(who, b);
        if (h.backingFileOffset != 0) {
            if (h.backingFileSize <= 0 || h.backingFileSize > 1023 || h.backingFileOffset < 0
                    || h.backingFileOffset + h.backingFileSize > Math.min(b.limit(), h.clusterSize())) {
                throw new ImageException(who + ": backing file name is outside the first cluster or too long");
            }
            byte[] name = new byte[h.backingFileSize];
            b.get((int) h.backingFileOffset, name);
            h.backingFile = new String(name, StandardCharsets.UTF_8);
        }
        return h;
    }

    private void validateFeatures(String who) throws ImageException {
        if (cryptMethod != 0) throw new ImageException(who + ": encrypted qcow2 images are not supported");
        long known = INCOMPAT_DIRTY | INCOMPAT_CORRUPT | INCOMPAT_DATA_FILE | INCOMPAT_COMPRESSION | INCOMPAT_EXTL2;
        long unknown = incompatibleFeatures & ~known;
        if (unknown != 0) {
            throw new ImageException(who + ": unknown incompatible qcow2 features 0x" + Long.toHexString(unknown)
                    + " (made by a newer QEMU?)");
        }
        if ((incompatibleFeatures & INCOMPAT_DATA_FILE) != 0) {
            throw new ImageException(who + ": qcow2 images with an external data file are not supported");
        }
        if ((incompatibleFeatures & INCOMPAT_EXTL2) != 0) {
            throw new ImageException(who + ": qcow2 extended L2 entries (subclusters) are not supported");
        }
        if ((incompatibleFeatures & INCOMPAT_COMPRESSION) == 0 && compressionType != 0) {
            throw new ImageException(who + ": compression_type set without the compression-type feature bit");
        }
        if (compressionType > 1) throw new ImageException(who + ": unknown compression type " + compressionType);
    }

    /** Log2 of the bytes one L1 entry maps: its L2 table's (cluster size / 8) entries of one cluster each. */
    static int l1EntryBits(int clusterBits) {
        return 2 * clusterBits - 3;
    }

    /** L1 entries that map {@code size} bytes of virtual disk (QEMU's size_to_l1), for any size without overflow. */
    static long l1EntriesFor(long size, int clusterBits) {
        int shift = l1EntryBits(clusterBits);
        return (size >>> shift) + ((size & ((1L << shift) - 1)) != 0 ? 1 : 0);
    }

    /**
     * Throws unless a qcow2 image with {@code clusterBits} can hold a virtual disk of {@code size} bytes: its L1 table
     * must map it within QEMU's 32 MiB limit (2 PiB with 64 KiB clusters, 2 EiB with 2 MiB ones), which is also what
     * keeps every offset computation below 2^63. QEMU refuses larger images ("Image is too big", "L1 table is too
     * small", "The image size is too large for file format 'qcow2'").
     */
    static void requireAddressable(String who, String what, long size, int clusterBits) throws ImageException {
        if (size < 0) throw new ImageException(who + ": " + what + " (" + Long.toUnsignedString(size) + " bytes) is too large for qcow2 (more than 2^63 - 1)");
        if (l1EntriesFor(size, clusterBits) > MAX_L1_ENTRIES) {
            throw new ImageException(who + ": " + what + " (" + size + " bytes) is too large for qcow2 with " + (1 << clusterBits)
                    + "-byte clusters (at most " + (MAX_L1_ENTRIES << l1EntryBits(clusterBits)) + " bytes)");
        }
    }

    private static void checkTable(String who, String what, long offset, long length, Qcow2Header h, long fileSize)
            throws ImageException {
        if (offset <= 0 || (offset & (h.clusterSize() - 1)) != 0) {
            throw new ImageException(who + ": " + what + " offset 0x" + Long.toHexString(offset) + " is not a cluster boundary");
        }
        if (offset + length > fileSize || offset + length < 0) {
            throw new ImageException(who + ": " + what + " at 0x" + Long.toHexString(offset) + " runs past the end of the file");
        }
    }

    private void parseExtensions(String who, ByteBuffer b) throws ImageException {
        int end = Math.min(b.limit(), clusterSize());
        int pos = headerLength;
        if (backingFileOffset != 0 && backingFileOffset < end) end = (int) Math.max(pos, backingFileOffset);
        while (pos + 8 <= end) {
            int type = b.getInt(pos);
            long len = Integer.toUnsignedLong(b.getInt(pos + 4));
            pos += 8;
            if (len > end - pos) { // checked before the end marker too, as QEMU does ("Header extension too large")
                throw new ImageException(who + ": header extension 0x" + Integer.toHexString(type) + " of " + len
                        + " bytes runs past the header (which ends at byte " + end + ")");
            }
            if (type == EXT_END) return;
            byte[] data = new byte[(int) len];
            b.get(pos, data);
            switch (type) {
                case EXT_BACKING_FORMAT -> backingFormat = new String(data, StandardCharsets.UTF_8);
                case EXT_BITMAPS -> {
                    if (len != 24) throw new ImageException(who + ": bitmaps extension has " + len + " bytes, not 24");
                    ByteBuffer e = ByteBuffer.wrap(data);
                    BitmapsExtension ext = new BitmapsExtension(e.getInt(0), e.getLong(8), e.getLong(16));
                    if ((autoclearFeatures & AUTOCLEAR_BITMAPS) != 0) bitmaps = ext; // else stale: QEMU ignores it too
                }
                case EXT_CRYPTO -> throw new ImageException(who + ": encrypted qcow2 images are not supported");
                case EXT_DATA_FILE -> throw new ImageException(who + ": qcow2 images with an external data file are not supported");
                case EXT_FEATURE_TABLE -> { } // names only; QEMU rewrites it, hyperlab writes its own
                default -> otherExtensions.add(new RawExtension(type, data));
            }
            pos += (int) ((len + 7) & ~7L);
        }
    }

    /** Encodes the header, extensions and backing file name into the bytes at the start of the file. */
    ByteBuffer encode() throws ImageException {
        ByteBuffer b = ByteBuffer.allocate(clusterSize());
        b.putInt(0, MAGIC).putInt(4, version).putInt(20, clusterBits).putLong(24, size).putInt(32, cryptMethod)
                .putInt(36, l1Size).putLong(40, l1TableOffset).putLong(48, refcountTableOffset)
                .putInt(56, refcountTableClusters).putInt(60, nbSnapshots).putLong(64, snapshotsOffset);
        int pos;
        if (version == 3) {
            int length = Math.max(V3_LENGTH, V3_LENGTH + headerTail.length);
            b.putLong(72, incompatibleFeatures).putLong(80, compatibleFeatures).putLong(88, autoclearFeatures)
                    .putInt(96, refcountOrder).putInt(100, length).put(104, (byte) compressionType);
            b.put(V3_LENGTH, headerTail);
            headerLength = length;
            pos = length;
        } else {
            pos = V2_LENGTH;
        }
        b.position(pos);
        if (backingFormat != null) putExtension(b, EXT_BACKING_FORMAT, backingFormat.getBytes(StandardCharsets.UTF_8));
        if (version == 3) putExtension(b, EXT_FEATURE_TABLE, featureNameTable());
        if (bitmaps != null) {
            ByteBuffer e = ByteBuffer.allocate(24).putInt(0, bitmaps.nbBitmaps()).putLong(8, bitmaps.directorySize())
                    .putLong(16, bitmaps.directoryOffset());
            putExtension(b, EXT_BITMAPS, e.array());
        }
        for (RawExtension x : otherExtensions) putExtension(b, x.type(), x.data());
        requireRoom(b, 8);
        b.putInt(EXT_END).putInt(0);
        if (backingFile != null) {
            byte[] name = backingFile.getBytes(StandardCharsets.UTF_8);
            requireRoom(b, name.length);
            backingFileOffset = b.position();
            backingFileSize = name.length;
            b.put(name);
        } else {
            backingFileOffset = 0;
            backingFileSize = 0;
        }
        b.putLong(8, backingFileOffset).putInt(16, backingFileSize);
        b.flip();
        return b;
    }

    private static void putExtension(ByteBuffer b, int type, byte[] data) throws ImageException {
        int padded = (data.length + 7) & ~7;
        requireRoom(b, 8 + padded);
        b.putInt(type).putInt(data.length).put(data);
        b.position(b.position() + padded - data.length);
    }

    private static void requireRoom(ByteBuffer b, int n) throws ImageException {
        if (b.remaining() < n) throw new ImageException("qcow2 header and extensions do not fit in the first cluster");
    }

    /** The feature name table QEMU writes, so {@code qemu-img info} can name any feature bit it meets. */
    private static byte[] featureNameTable() {
        Object[][] names = {
            {0, 0, "dirty bit"}, {0, 1, "corrupt bit"}, {0, 2, "external data file"},
            {0, 3, "compression type"}, {0, 4, "extended L2 entries"},
            {1, 0, "lazy refcounts"}, {2, 0, "bitmaps"}, {2, 1, "raw external data"},
        };
        ByteBuffer t = ByteBuffer.allocate(48 * names.length);
        for (Object[] n : names) {
            int at = t.position();
            t.put((byte) (int) (Integer) n[0]).put((byte) (int) (Integer) n[1]);
            t.put(((String) n[2]).getBytes(StandardCharsets.US_ASCII));
            t.position(at + 48);
        }
        return t.array();
    }
}
