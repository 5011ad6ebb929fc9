package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.ImageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two-level refcount structure (qcow2.txt, "Host cluster management"): how many references each host cluster
 * has, and the allocator built on it.
 *
 * <p>Crash safety rests on the order of writes, every one of which goes straight to the file: a cluster's refcount
 * is raised before anything points to it, and lowered only after nothing does. A process killed between the two
 * leaves a refcount too high (a leak, which {@code qemu-img check} reports and tolerates), never too low.
 */
final class RefcountTable {
    /** Rewrites the header after the refcount table moved. */
    interface HeaderWriter {
        void writeHeader() throws IOException;
    }

    /** Offset bits of a refcount table entry (QEMU's REFT_OFFSET_MASK); bits 0..8 are reserved (REFT_RESERVED_MASK). */
    static final long OFFSET_MASK = 0xfffffffffffffe00L;
    static final long RESERVED = 0x1ffL;

    private final HostFile file;
    private final Qcow2Header header;
    private final HeaderWriter headerWriter;
    private final int clusterBits;
    private final int refcountBits;
    private final long maxRefcount;
    private final int blockBits; // log2(clusters covered by one refcount block)
    private final LinkedHashMap<Long, byte[]> blocks;
    private long[] table;
    private long freeHint;
    private long end; // clusters below this may be in use; above it, everything is free

    private RefcountTable(HostFile file, Qcow2Header header, HeaderWriter headerWriter, long[] table) {
        this.file = file;
        this.header = header;
        this.headerWriter = headerWriter;
        this.clusterBits = header.clusterBits;
        this.refcountBits = header.refcountBits();
        this.maxRefcount = refcountBits == 64 ? Long.MAX_VALUE : (1L << refcountBits) - 1;
        this.blockBits = clusterBits + 3 - header.refcountOrder;
        this.table = table;
        int capacity = Math.max(4, (2 << 20) >> clusterBits);
        this.blocks = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                return size() > capacity;
            }
        };
        this.end = (file.size() + (1L << clusterBits) - 1) >>> clusterBits;
    }

    static RefcountTable load(HostFile file, Qcow2Header header, HeaderWriter headerWriter) throws IOException {
        int bytes = header.refcountTableClusters << header.clusterBits;
        ByteBuffer b = ByteBuffer.allocate(bytes);
        file.readFully(header.refcountTableOffset, b, "refcount table");
        long[] table = new long[bytes / 8];
        for (int i = 0; i < table.length; i++) table[i] = b.getLong(i * 8);
        return new RefcountTable(file, header, headerWriter, table);
    }

    long clusterSize() {
        return 1L << clusterBits;
    }

    /** Offsets of the refcount blocks (0 where none), as stored in the table. */
    long[] tableEntries() {
        return table.clone();
    }

    /** How many host clusters one refcount block covers. */
    long clustersPerBlock() {
        return 1L << blockBits;
    }

    /** The refcount of host cluster {@code cluster}; 0 where no block covers it. */
    long get(long cluster) throws IOException {
        long ti = cluster >>> blockBits;
        if (ti >= table.length) return 0;
        long bo = table[(int) ti] & OFFSET_MASK;
        if (bo == 0) return 0;
        return entry(block(bo), cluster & ((1L << blockBits) - 1));
    }

    private byte[] block(long offset) throws IOException {
        byte[] blk = blocks.get(offset);
        if (blk != null) return blk;
        if ((offset & (clusterSize() - 1)) != 0) {
            throw new ImageException(file.path + ": refcount block offset 0x" + Long.toHexString(offset) + " is not a cluster boundary");
        }
        blk = new byte[(int) clusterSize()];
        file.readFully(offset, ByteBuffer.wrap(blk), "refcount block");
        blocks.put(offset, blk);
        return blk;
    }

    private long entry(byte[] blk, long index) {
        if (refcountBits >= 8) {
            int bytes = refcountBits / 8;
            int at = (int) (index * bytes);
            long v = 0;
            for (int i = 0; i < bytes; i++) v = (v << 8) | (blk[at + i] & 0xff);
            return v;
        }
        long bit = index * refcountBits;
        return (blk[(int) (bit >>> 3)] >>> (bit & 7)) & ((1 << refcountBits) - 1);
    }

    private void setEntry(byte[] blk, long index, long value) {
        putEntry(blk, refcountBits, index, value);
    }

    /** Stores {@code value} as entry {@code index} of a refcount block of {@code refcountBits}-bit entries. */
    static void putEntry(byte[] blk, int refcountBits, long index, long value) {
        if (refcountBits >= 8) {
            int bytes = refcountBits / 8;
            int at = (int) (index * bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                blk[at + i] = (byte) value;
                value >>>= 8;
            }
            return;
        }
        long bit = index * refcountBits;
        int mask = ((1 << refcountBits) - 1) << (bit & 7);
        int at = (int) (bit >>> 3);
        blk[at] = (byte) ((blk[at] & ~mask) | ((value << (bit & 7)) & mask));
    }

    /** The largest refcount an entry holds. */
    long maxRefcount() {
        return maxRefcount;
    }

    private int byteOf(long index) {
        return (int) (index * refcountBits / 8);
    }

    /** Adds {@code delta} to the refcounts of {@code n} clusters from {@code first}, writing each block once. */
    void adjust(long first, long n, long delta) throws IOException {
        update(first, n, delta, false);
    }

    /** Sets the refcounts of {@code n} clusters from {@code first} to {@code value}. */
    void set(long first, long n, long value) throws IOException {
        update(first, n, value, true);
    }

    private void update(long first, long n, long amount, boolean absolute) throws IOException {
        long c = first;
        long last = first + n;
        while (c < last) {
            long ti = c >>> blockBits;
            long blockEnd = Math.min(last, (ti + 1) << blockBits);
            if (!absolute || amount != 0) ensureBlock(ti);
            long bo = ti < table.length ? table[(int) ti] & OFFSET_MASK : 0;
            if (bo == 0) { // setting zero where no block exists: already zero
                c = blockEnd;
                continue;
            }
            byte[] blk = block(bo);
            long mask = (1L << blockBits) - 1;
            long i0 = c & mask;
            long i1 = ((blockEnd - 1) & mask) + 1;
            for (long i = i0; i < i1; i++) {
                long old = entry(blk, i);
                long v = absolute ? amount : old + amount;
                if (v < 0) {
                    throw new ImageException(file.path + ": refcount of cluster " + ((ti << blockBits) + i) + " would drop below zero (image is damaged)");
                }
                if (v > maxRefcount || (!absolute && amount > 0 && v < old)) {
                    throw new ImageException(file.path + ": refcount of cluster " + ((ti << blockBits) + i) + " overflows " + refcountBits + " bits");
                }
                setEntry(blk, i, v);
                if (v == 0) freeHint = Math.min(freeHint, (ti << blockBits) + i);
            }
            int lo = byteOf(i0);
            int hi = byteOf(i1 - 1) + Math.max(1, refcountBits / 8);
            file.write(bo + lo, ByteBuffer.wrap(blk, lo, hi - lo));
            c = blockEnd;
        }
    }

    /**
     * Hands out {@code n} contiguous free clusters with refcount 1 and returns the host offset of the first. The file
     * is extended to cover them before their refcounts are written, so no refcount ever points past the end.
     */
    long allocate(long n) throws IOException {
        long start = findFree(n);
        file.extendTo((start + n) << clusterBits);
        set(start, n, 1);
        if (freeHint == start) freeHint = start + n;
        return start << clusterBits;
    }

    /** Drops one reference from {@code n} clusters at host offset {@code offset}. */
    void release(long offset, long n) throws IOException {
        adjust(offset >>> clusterBits, n, -1);
    }

    private long findFree(long n) throws IOException {
        long c = freeHint;
        long runStart = c;
        long run = 0;
        while (true) {
            if (c >= end) {
                if (run == 0) runStart = c;
                end = Math.max(end, runStart + n);
                freeHint = runStart;
                return runStart;
            }
            if (get(c) == 0) {
                if (run++ == 0) runStart = c;
                if (run == n) {
                    freeHint = runStart;
                    return runStart;
                }
            } else {
                run = 0;
            }
            c++;
        }
    }

    /** Makes sure a refcount block covers table index {@code ti}; a new block is placed at the end of the file. */
    private void ensureBlock(long ti) throws IOException {
        if (ti < table.length && table[(int) ti] != 0) return;
        if (ti >= table.length) growTable(ti + 1);
        if (table[(int) ti] != 0) return;
        long at = end++;
        long atTi = at >>> blockBits;
        byte[] blk = new byte[(int) clusterSize()];
        if (atTi == ti) setEntry(blk, at & ((1L << blockBits) - 1), 1);
        file.write(at << clusterBits, ByteBuffer.wrap(blk));
        if (atTi != ti) adjust(at, 1, 1); // the block's own refcount lives in another block
        blocks.put(at << clusterBits, blk);
        table[(int) ti] = at << clusterBits;
        file.write(header.refcountTableOffset + ti * 8, ByteBuffer.allocate(8).putLong(0, at << clusterBits));
    }

    /**
     * Moves the refcount table to a larger one at the end of the file. The new table and any blocks needed to count
     * it are written first, then the header switches to it in one write, then the old table is released: a crash
     * before the switch leaves only unreferenced clusters.
     */
    private void growTable(long minEntries) throws IOException {
        long perCluster = clusterSize() / 8;
        long entries = Math.max(minEntries, (long) table.length * 2);
        long newClusters = (entries + perCluster - 1) / perCluster;
        if ((newClusters << clusterBits) > Qcow2Header.MAX_REFTABLE_BYTES) {
            throw new ImageException(file.path + ": refcount table would exceed " + (Qcow2Header.MAX_REFTABLE_BYTES >> 20) + " MiB");
        }
        long[] nt = java.util.Arrays.copyOf(table, (int) (newClusters * perCluster));
        long at = end;
        long next = at + newClusters;
        java.util.TreeMap<Long, Long> newBlocks = new java.util.TreeMap<>(); // table index -> block cluster
        for (long c = at; c < next; c++) {
            long ti = c >>> blockBits;
            if ((ti < table.length && table[(int) ti] != 0) || newBlocks.containsKey(ti)) continue;
            newBlocks.put(ti, next++);
        }
        for (var e : newBlocks.entrySet()) {
            byte[] blk = new byte[(int) clusterSize()];
            for (long c = at; c < next; c++) {
                if ((c >>> blockBits) == e.getKey()) setEntry(blk, c & ((1L << blockBits) - 1), 1);
            }
            file.write(e.getValue() << clusterBits, ByteBuffer.wrap(blk));
            blocks.put(e.getValue() << clusterBits, blk);
            nt[(int) (long) e.getKey()] = e.getValue() << clusterBits;
        }
        ByteBuffer tb = ByteBuffer.allocate((int) (newClusters << clusterBits));
        for (int i = 0; i < nt.length; i++) tb.putLong(i * 8, nt[i]);
        file.write(at << clusterBits, tb);
        end = next;
        for (long c = at; c < next; c++) { // clusters counted by blocks that already existed
            long ti = c >>> blockBits;
            if (ti < table.length && table[(int) ti] != 0 && !newBlocks.containsKey(ti)) adjust(c, 1, 1);
        }
        long oldOffset = header.refcountTableOffset;
        int oldClusters = header.refcountTableClusters;
        table = nt;
        header.refcountTableOffset = at << clusterBits;
        header.refcountTableClusters = (int) newClusters;
        headerWriter.writeHeader();
        release(oldOffset, oldClusters);
    }
}
