package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.DiskImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Writes guest bytes into the active layer with copy-on-write: a cluster this layer alone owns is written in place,
 * any other (unallocated, zero, compressed, or shared with a snapshot) gets a fresh cluster holding its old contents
 * overlaid with the new bytes, and the old one's reference is dropped after the L2 entry points at the new one. Also
 * discard (whole clusters given back) and growing the disk.
 */
final class ClusterWriter {
    private final ClusterTables t;
    private final ClusterReader reader;

    ClusterWriter(ClusterTables tables, ClusterReader reader) {
        this.t = tables;
        this.reader = reader;
    }

    /**
     * Clusters of the range a write would allocate: every one not held in place (unallocated, zero, compressed, or
     * shared with a snapshot: without the COPIED flag), each L2 table the range needs that is missing or shared, and
     * the refcount blocks that count them (at most one more than they fill, as the new ones may straddle a block).
     */
    long bytesToAllocate(long offset, long length) throws IOException {
        if (length == 0) return 0;
        long[] l1 = t.l1();
        int clusterBits = t.clusterBits;
        long n = 0;
        long last = (offset + length - 1) >>> clusterBits;
        for (long c = offset >>> clusterBits; c <= last; ) {
            long l1i = c >>> t.l2Bits;
            long tableEnd = Math.min(last + 1, (l1i + 1) << t.l2Bits);
            long l1e = l1i < l1.length ? l1[(int) l1i] : 0;
            long l2Offset = L2Entry.offset(l1e);
            if (l2Offset == 0 || (l1e & L2Entry.COPIED) == 0) {
                n += t.clusterSize; // a new L2 table (or a copy of a shared one)
            }
            long[] l2 = l2Offset == 0 ? null : t.loadL2(l2Offset);
            for (; c < tableEnd; c++) {
                if (l2 == null || !t.inPlace(l2[t.l2Index(c << clusterBits)])) n += t.clusterSize;
            }
        }
        long perRefcountBlock = (long) t.clusterSize * 8 / t.h.refcountBits();
        return n == 0 ? 0 : n + t.clusterSize * (1 + n / t.clusterSize / perRefcountBlock);
    }

    /** Writes {@code src} at guest {@code offset} (no bound: saved VM state lives past the end of the disk). */
    void writeAt(long offset, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            long l1i = offset >>> t.l1EntryBits;
            long spanEnd = (l1i + 1) << t.l1EntryBits;
            int chunk = (int) Math.min(src.remaining(), spanEnd - offset);
            long l2Offset = t.writableL2((int) l1i);
            writeInL2(l2Offset, offset, src.slice(src.position(), chunk));
            src.position(src.position() + chunk);
            offset += chunk;
        }
    }

    private void writeInL2(long l2Offset, long offset, ByteBuffer part) throws IOException {
        int clusterBits = t.clusterBits;
        long[] l2 = t.loadL2(l2Offset);
        long end = offset + part.remaining();
        long c = offset >>> clusterBits;
        long last = (end - 1) >>> clusterBits;
        while (c <= last) {
            long e = l2[t.l2Index(c << clusterBits)];
            boolean here = t.inPlace(e);
            long runEnd = c + 1;
            while (runEnd <= last) {
                long e2 = l2[t.l2Index(runEnd << clusterBits)];
                if (here ? !(t.inPlace(e2) && L2Entry.offset(e2) == L2Entry.offset(e) + ((runEnd - c) << clusterBits)) : t.inPlace(e2)) break;
                runEnd++;
            }
            long from = Math.max(offset, c << clusterBits);
            long to = Math.min(end, runEnd << clusterBits);
            ByteBuffer data = part.slice((int) (from - offset), (int) (to - from));
            if (here) {
                t.file.write(t.dataOffset(e) + (from - (c << clusterBits)), data);
            } else {
                allocateAndWrite(l2Offset, l2, c, runEnd, from, data);
            }
            c = runEnd;
        }
    }

    /** Clusters {@code [c0, c1)} get fresh host clusters holding their old contents overlaid with {@code data}. */
    private void allocateAndWrite(long l2Offset, long[] l2, long c0, long c1, long from, ByteBuffer data) throws IOException {
        int clusterBits = t.clusterBits;
        int clusterSize = t.clusterSize;
        long n = c1 - c0;
        long host = t.refs().allocate(n);
        long base = c0 << clusterBits;
        int head = (int) (from - base);
        int tail = (int) ((c1 << clusterBits) - (from + data.remaining()));
        if (n == 1 && (head > 0 || tail > 0)) {
            ByteBuffer buf = oldCluster(c0);
            buf.put(head, data, data.position(), data.remaining());
            t.file.write(host, buf);
        } else {
            long at = host;
            if (head > 0) {
                ByteBuffer buf = oldCluster(c0);
                int take = clusterSize - head;
                buf.put(head, data, data.position(), take);
                t.file.write(at, buf);
                data.position(data.position() + take);
                at += clusterSize;
            }
            int middle = data.remaining() - (tail > 0 ? clusterSize - tail : 0);
            t.file.write(at, data.slice(data.position(), middle));
            data.position(data.position() + middle);
            at += middle;
            if (tail > 0) {
                ByteBuffer buf = oldCluster(c1 - 1);
                buf.put(0, data, data.position(), data.remaining());
                t.file.write(at, buf);
            }
        }
        long[] old = new long[(int) n];
        int i0 = t.l2Index(base);
        for (int k = 0; k < n; k++) {
            old[k] = l2[i0 + k];
            l2[i0 + k] = (host + ((long) k << clusterBits)) | L2Entry.COPIED;
        }
        t.writeL2Entries(l2Offset, l2, i0, (int) n);
        for (long e : old) t.releaseEntry(e);
    }

    /** What the guest sees in guest cluster {@code c} now, as a cluster-sized buffer. */
    private ByteBuffer oldCluster(long c) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(t.clusterSize);
        reader.readVia(t.l1(), c << t.clusterBits, buf, true);
        return buf.clear();
    }

    /**
     * Makes {@code [offset, offset+length)} read as zeros, giving whole clusters back (they become zero clusters over
     * a backing file, unallocated otherwise) and writing zeros into partial clusters at the edges.
     */
    void discard(long offset, long length) throws IOException {
        if (length == 0) return;
        int clusterSize = t.clusterSize;
        DiskImage backing = reader.backing();
        long end = offset + length;
        long firstFull = (offset + clusterSize - 1) & -clusterSize;
        long lastFull = end == t.h.size ? (end + clusterSize - 1) & -clusterSize : end & -clusterSize;
        if (firstFull >= lastFull) {
            writeAt(offset, ByteBuffer.allocate((int) length));
            return;
        }
        if (offset < firstFull) writeAt(offset, ByteBuffer.allocate((int) (firstFull - offset)));
        if (lastFull < end) writeAt(lastFull, ByteBuffer.allocate((int) (end - lastFull)));
        long newEntry = backing != null ? L2Entry.ZERO : 0;
        for (long pos = firstFull; pos < lastFull; ) {
            int l1i = (int) (pos >>> t.l1EntryBits);
            long spanEnd = Math.min(lastFull, (long) (l1i + 1) << t.l1EntryBits);
            long[] l1 = t.l1();
            boolean needed = backing != null || (l1i < l1.length && L2Entry.offset(l1[l1i]) != 0);
            if (needed) {
                long l2Offset = t.writableL2(l1i);
                long[] l2 = t.loadL2(l2Offset);
                int i0 = t.l2Index(pos);
                int n = (int) ((spanEnd - pos) >>> t.clusterBits);
                long[] old = Arrays.copyOfRange(l2, i0, i0 + n);
                Arrays.fill(l2, i0, i0 + n, newEntry);
                t.writeL2Entries(l2Offset, l2, i0, n);
                for (long e : old) t.releaseEntry(e);
                t.compressed.forget();
            }
            pos = spanEnd;
        }
    }

    /** Grows the virtual disk to {@code newSize} bytes (not less than its size now); the new part reads as zeros. */
    void grow(long newSize) throws IOException {
        Qcow2Header h = t.h;
        Qcow2Header.requireAddressable(t.file.path.toString(), "new size", newSize, t.clusterBits);
        long oldSize = h.size;
        long need = Qcow2Header.l1EntriesFor(newSize, t.clusterBits);
        if (need > t.l1().length) t.growL1((int) need);
        h.size = newSize;
        t.writeHeader();
        DiskImage backing = reader.backing();
        if (backing != null && backing.virtualSize() > oldSize) {
            // The overlay grew over backing data it never covered; QEMU zeroes that range, and so do we.
            long to = Math.min(newSize, backing.virtualSize());
            if (to > oldSize) discard(oldSize, to - oldSize);
        }
    }
}
