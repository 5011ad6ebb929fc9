package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.ImageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * One open qcow2 file's metadata as the image reads and changes it: the header, the active L1 table, the L2 tables
 * (cached), the refcounts and the compressed clusters. Every change is written through at once, in the order the
 * callers make it (what {@link Qcow2Image}'s crash safety rests on); what the tables mean for guest reads and writes,
 * snapshots and bitmaps is for the components built on it.
 */
final class ClusterTables {
    final HostFile file;
    final Qcow2Header h;
    final int clusterBits;
    final int clusterSize;
    /** Log2 of the entries of one L2 table. */
    final int l2Bits;
    /** Log2 of the bytes one L1 entry maps. */
    final int l1EntryBits;
    final CompressedClusters compressed;
    private final L2Cache l2Cache;
    private long[] l1;
    private RefcountTable refs; // loaded for writing, or when a check asks for it
    private boolean closed;

    ClusterTables(HostFile file, Qcow2Header h) {
        this.file = file;
        this.h = h;
        this.clusterBits = h.clusterBits;
        this.clusterSize = h.clusterSize();
        this.l2Bits = clusterBits - 3;
        this.l1EntryBits = Qcow2Header.l1EntryBits(clusterBits);
        this.l2Cache = new L2Cache(clusterSize);
        this.compressed = new CompressedClusters(file, h.compressionType, clusterBits);
    }

    /** Reads the active L1 table. */
    void load() throws IOException {
        l1 = readL1(h.l1TableOffset, h.l1Size, "L1 table");
    }

    /** The active L1 table (shared, not a copy: change it through {@link #setL1} and {@link #replaceL1}). */
    long[] l1() {
        return l1;
    }

    /** The refcounts, read on first use. */
    RefcountTable refs() throws IOException {
        if (refs == null) refs = RefcountTable.load(file, h, this::writeHeader);
        return refs;
    }

    /** Reads the refcount structure again (the header points at a new one). */
    void reloadRefcounts() throws IOException {
        refs = RefcountTable.load(file, h, this::writeHeader);
    }

    /** Forgets every cached L2 table and inflated cluster (tables were freed, or rewritten behind the cache). */
    void invalidateCaches() {
        l2Cache.clear();
        compressed.forget();
    }

    /** Forgets the cached L2 tables (tables were freed and may be reused as anything). */
    void forgetL2Tables() {
        l2Cache.clear();
    }

    void markClosed() {
        closed = true;
        compressed.close();
    }

    boolean closed() {
        return closed;
    }

    void checkOpen() throws ImageException {
        if (closed) throw new ImageException(file.path + ": image is closed");
    }

    /** Writes the header as it is now, in one write. */
    void writeHeader() throws IOException {
        ByteBuffer b = h.encode();
        file.write(0, b);
    }

    void setDirty(boolean dirty) throws IOException {
        if (dirty) h.incompatibleFeatures |= Qcow2Header.INCOMPAT_DIRTY;
        else h.incompatibleFeatures &= ~Qcow2Header.INCOMPAT_DIRTY;
        writeHeader();
    }

    long[] readL1(long offset, int entries, String what) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(entries * 8);
        file.readFully(offset, b, what);
        long[] t = new long[entries];
        for (int i = 0; i < entries; i++) t[i] = b.getLong(i * 8);
        return t;
    }

    /** The L1 table of internal snapshot {@code s}. */
    long[] snapshotL1(Qcow2Snapshot s) throws IOException {
        return readL1(s.l1TableOffset(), s.l1Size(), "snapshot L1 table");
    }

    /** The bitmap directory as it is on disk. */
    List<BitmapDirectory.Entry> storedBitmaps() throws IOException {
        return h.bitmaps == null ? List.of() : BitmapDirectory.read(file, h);
    }

    long[] loadL2(long offset) throws IOException {
        long[] t = l2Cache.get(offset);
        if (t != null) return t;
        if ((offset & (clusterSize - 1)) != 0) {
            throw new ImageException(file.path + ": L2 table offset 0x" + Long.toHexString(offset) + " is not a cluster boundary (image is damaged)");
        }
        ByteBuffer b = ByteBuffer.allocate(clusterSize);
        file.readFully(offset, b, "L2 table");
        b.flip();
        t = new long[clusterSize / 8];
        b.asLongBuffer().get(t);
        l2Cache.put(offset, t);
        return t;
    }

    void writeL2Entries(long l2Offset, long[] l2, int first, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n * 8);
        for (int k = 0; k < n; k++) b.putLong(k * 8, l2[first + k]);
        file.write(l2Offset + first * 8L, b);
    }

    int l2Index(long offset) {
        return (int) ((offset >>> clusterBits) & ((1L << l2Bits) - 1));
    }

    long dataOffset(long entry) throws ImageException {
        long off = L2Entry.offset(entry);
        if ((off & (clusterSize - 1)) != 0) {
            throw new ImageException(file.path + ": data cluster offset 0x" + Long.toHexString(off) + " is not a cluster boundary (image is damaged)");
        }
        if (off >= file.size()) {
            throw new ImageException(file.path + ": data cluster at 0x" + Long.toHexString(off) + " lies past the end of the file (image is damaged)");
        }
        return off;
    }

    /** The entry maps a data cluster this layer alone owns: a write may go into it in place. */
    boolean inPlace(long e) {
        return (e & L2Entry.COPIED) != 0 && L2Entry.kind(e, h.version) == L2Entry.Kind.DATA;
    }

    /** Drops the references an L2 entry held, after the entry itself was overwritten. */
    void releaseEntry(long e) throws IOException {
        switch (L2Entry.kind(e, h.version)) {
            case DATA -> refs.release(L2Entry.offset(e), 1);
            case ZERO -> { if (L2Entry.offset(e) != 0) refs.release(L2Entry.offset(e), 1); }
            case COMPRESSED -> {
                long off = L2Entry.compressedOffset(e, clusterBits) & ~511L;
                long endByte = L2Entry.compressedOffset(e, clusterBits) + L2Entry.compressedLength(e, clusterBits);
                long first = off >>> clusterBits;
                refs.adjust(first, ((endByte - 1) >>> clusterBits) - first + 1, -1);
            }
            case UNALLOCATED -> { }
        }
    }

    /** The host offset of a writable L2 table for L1 index {@code l1i}: allocated, or copied if a snapshot shares it. */
    long writableL2(int l1i) throws IOException {
        if (l1i >= l1.length) growL1(l1i + 1);
        long e = l1[l1i];
        long old = L2Entry.offset(e);
        if (old != 0 && (e & L2Entry.COPIED) != 0) return old;
        long[] content = old == 0 ? new long[clusterSize / 8] : loadL2(old).clone();
        long fresh = refs.allocate(1);
        ByteBuffer b = ByteBuffer.allocate(clusterSize);
        b.asLongBuffer().put(content);
        file.write(fresh, b);
        l2Cache.put(fresh, content);
        setL1(l1i, fresh | L2Entry.COPIED);
        if (old != 0) {
            refs.release(old, 1);
            l2Cache.remove(old);
        }
        return fresh;
    }

    void setL1(int l1i, long entry) throws IOException {
        l1[l1i] = entry;
        file.write(h.l1TableOffset + l1i * 8L, ByteBuffer.allocate(8).putLong(0, entry));
    }

    /** Writes {@code fresh} over the active L1 table (as long as it) in one write, and uses it from now on. */
    void replaceL1(long[] fresh) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(fresh.length * 8);
        b.asLongBuffer().put(fresh);
        file.write(h.l1TableOffset, b);
        l1 = fresh;
    }

    /** Moves the active L1 table to a larger one: new table written, header switched in one write, old released. */
    void growL1(int entries) throws IOException {
        if ((long) entries * 8 > Qcow2Header.MAX_L1_BYTES) throw new ImageException(file.path + ": L1 table would exceed 32 MiB");
        long[] bigger = Arrays.copyOf(l1, entries);
        long oldOffset = h.l1TableOffset;
        long oldClusters = clustersFor(l1.length * 8L);
        long at = writeTable(bigger);
        l1 = bigger;
        h.l1TableOffset = at;
        h.l1Size = entries;
        writeHeader();
        if (oldClusters > 0 && oldOffset != 0) refs.release(oldOffset, oldClusters);
    }

    long clustersFor(long bytes) {
        return (bytes + clusterSize - 1) >>> clusterBits;
    }

    /** Allocates clusters for a table of 64-bit entries and writes it; returns its offset. */
    long writeTable(long[] entries) throws IOException {
        long clusters = Math.max(1, clustersFor(entries.length * 8L));
        long at = refs.allocate(clusters);
        ByteBuffer b = ByteBuffer.allocate((int) (clusters << clusterBits));
        b.asLongBuffer().put(entries);
        file.write(at, b);
        return at;
    }

    /** Sets COPIED exactly where the refcount is 1, in the active L1 and every L2 table it reaches. */
    void fixCopiedFlags() throws IOException {
        for (int i = 0; i < l1.length; i++) {
            long e = l1[i];
            long off = L2Entry.offset(e);
            if (off == 0) {
                if (e != 0) setL1(i, 0);
                continue;
            }
            boolean one = refs.get(off >>> clusterBits) == 1;
            long want = one ? (e | L2Entry.COPIED) : (e & ~L2Entry.COPIED);
            if (want != e) setL1(i, want);
            long[] l2 = loadL2(off);
            boolean changed = false;
            for (int j = 0; j < l2.length; j++) {
                long x = l2[j];
                L2Entry.Kind k = L2Entry.kind(x, h.version);
                if (k != L2Entry.Kind.DATA && !(k == L2Entry.Kind.ZERO && L2Entry.offset(x) != 0)) continue;
                boolean single = refs.get(L2Entry.offset(x) >>> clusterBits) == 1;
                long w = single ? (x | L2Entry.COPIED) : (x & ~L2Entry.COPIED);
                if (w != x) {
                    l2[j] = w;
                    changed = true;
                }
            }
            if (changed) writeL2Entries(off, l2, 0, l2.length);
        }
    }
}
